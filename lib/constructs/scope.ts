// A construct declared in the wrong scope fails at once, while the user's
// own stack trace still points at the line, with the same error type as
// every other configuration problem.
import { ProblemList, WeaveConfigError } from '../core/check/problems';

/**
 * The error for a `what` construct (e.g. `WeaveHost`) declared with an id
 * under a scope that is not an `expected` (e.g. `WeaveCluster`).
 *
 * @param argument - how the fix names the right scope, e.g. `cluster`
 */
export function scopeError(what: string, id: string, scope: unknown, expected: string, argument: string): WeaveConfigError {
  const got = (scope as { node?: { path?: string } } | undefined)?.node?.path ?? String(scope);
  const fix = `new ${what}(${argument}, '${id}', {...})`;
  const problems = new ProblemList();
  problems.add('construct-scope', `${got}/${id}`, 'scope', got, `is not a ${expected}, so ${what} ${id} has no ${argument} to belong to`, fix);
  return new WeaveConfigError(problems.items, `${what} ${id}: its scope must be a ${expected}, got ${got}. Fix: ${fix}.`);
}
