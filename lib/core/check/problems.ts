// How every check reports: a Problem with a code, the construct path, the
// field, the value as given, what is wrong and the fix; a ProblemList that
// collects them; a WeaveConfigError that carries them all at once.
import { redactText, redactValue } from '../common/secrets';
import { isTruthy } from '../common/text';

/**
 * One thing wrong with the declared network, said the way a user can act on:
 * where it is (the construct path), what was given, and what to write instead.
 */
export interface Problem {
  /** Construct path (or `network` path plus field) the bad value belongs to. */
  readonly path: string;
  /** The field the value was given for, e.g. `ipallocRange`. */
  readonly field: string;
  /** The value as given. */
  readonly value: unknown;
  /** What is wrong with it. */
  readonly message: string;
  /** What to do instead. */
  readonly fix: string;
  /** A stable code, so tests and docs can refer to one check. */
  readonly code: string;
}

/** A value as a problem line shows it: strings quoted, anything else as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** One line describing a problem: its code, where it is, the value given, what is wrong and the fix. */
export function formatProblem(p: Problem): string {
  return `[${p.code}] ${p.path}: ${p.field} ${formatValue(p.value)} ${p.message}. Fix: ${p.fix}`;
}

/**
 * Thrown at synth time when the declared network cannot be built. It carries
 * every problem found, not just the first, so one synth shows all of them.
 */
export class WeaveConfigError extends Error {
  /** Every problem found, for callers that want to inspect or report them one by one. */
  declare readonly problems: readonly Problem[];

  /**
   * @param problems - every problem found
   * @param message - the text to show, for a subject that words its problems
   *   its own way (the state backend, a construct's scope); without it, one
   *   line per problem under a summary line
   */
  constructor(problems: readonly Problem[], message?: string) {
    const lines = problems.map((p) => `  - ${formatProblem(p)}`);
    super(
      message ?? `Weave network configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was synthesized:\n${lines.join('\n')}`,
    );
    this.name = 'WeaveConfigError';
    // Not enumerable: Node prints an uncaught error's own properties, and the
    // message already lists every problem once.
    Object.defineProperty(this, 'problems', { value: problems, enumerable: false });
    // The problems are the user's to fix, so a stack through the library only
    // buries them. WEAVE_DEBUG=1 keeps it for whoever debugs the library.
    if (!isTruthy(globalThis.process?.env?.WEAVE_DEBUG)) this.stack = `${this.name}: ${this.message}`;
  }
}

/** Collects problems; `throwIfAny` raises them together. */
export class ProblemList {
  readonly items: Problem[] = [];

  add(code: string, path: string, field: string, value: unknown, message: string, fix: string): void {
    // Key material is never echoed, whichever check met it.
    this.items.push({ code, path, field, value: redactValue(value), message: redactText(message), fix: redactText(fix) });
  }

  /**
   * Adds the problem unless one with the same code and path is already
   * listed: for a cause that several checks run into, so it is said once.
   */
  addOnce(code: string, path: string, field: string, value: unknown, message: string, fix: string): void {
    if (this.items.some((p) => p.code === code && p.path === path)) return;
    this.add(code, path, field, value, message, fix);
  }

  throwIfAny(): void {
    if (this.items.length > 0) raise(new WeaveConfigError(this.items));
  }
}

/**
 * Throws a configuration error. Every one is thrown from this line, because
 * an uncaught error (a plain `app.synth()`, no `synthesizeApp`) makes Node.js
 * print the line that threw above the message: this one says what follows.
 */
export function raise(error: WeaveConfigError): never {
  throw error; // ← not a crash: the Weave configuration problems are listed below. synthesizeApp(() => app) in main.ts prints only the list.
}
