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

/**
 * The error for a host whose construct id its cluster already gives one of
 * its own resources (`lb`, `public-ip`, ...); constructs would otherwise stop
 * the synth with its bare duplicate-name error.
 */
export function hostIdTakenError(clusterPath: string, id: string, takenBy: string): WeaveConfigError {
  const problems = new ProblemList();
  problems.add('host-id-taken', `${clusterPath}/${id}`, 'id', id, `is already the construct id of ${takenBy} in cluster ${clusterPath}`,
    `give the host another construct id and keep its name: new WeaveHost(cluster, '${id}-host', { hostName: '${id}' })`);
  return new WeaveConfigError(problems.items);
}
