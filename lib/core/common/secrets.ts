// What a problem line may never show: key material. A user who pastes a
// private key where a public one belongs, or into an option reported as
// misplaced, must not see it echoed into a terminal, a CI log or a bug
// report. Every problem's value, message and fix pass through here.

/** PEM/OpenSSH private key blocks, complete or cut off, and PuTTY key files. */
const PRIVATE_KEY_RE = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[^]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)|PuTTY-User-Key-File-\d+:[^]*$/g;

/** What a message shows instead of a private key. */
export const PRIVATE_KEY_SHOWN = '(a private key, not shown)';

/** Whether `text` holds a private key (or the start of one). */
export function holdsPrivateKey(text: string): boolean {
  PRIVATE_KEY_RE.lastIndex = 0;
  return PRIVATE_KEY_RE.test(text);
}

/** `text` with every private key in it replaced by {@link PRIVATE_KEY_SHOWN}. */
export function redactText(text: string): string {
  return text.replace(PRIVATE_KEY_RE, PRIVATE_KEY_SHOWN);
}

/** A value (string, array or plain object, nested) with every private key in it replaced. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  // Constructs and other class instances are shown by the checks' own
  // reporters (e.g. as a path); only plain data is walked.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, depth + 1)]));
}
