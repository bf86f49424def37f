// A network password given as a plain string: checked at synth by the rule
// the generated password variable's validation applies at plan time, so a
// literal cannot be weaker, or break the env file, where a variable could
// not. The value itself is never shown, only what is wrong with it.
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../defaults';

/** How a problem line shows a literal password: never its text. */
export function shownPassword(password: string): string {
  return `(a plain string of ${[...password].length} characters, not shown)`;
}

/**
 * What is wrong with a literal password, with a fix, or `undefined` when it
 * meets the rule: 12-256 printable ASCII characters without spaces, quotes
 * or backslashes (it is written unquoted into a systemd EnvironmentFile).
 */
export function passwordProblem(password: string): { message: string; fix: string } | undefined {
  const length = [...password].length;
  const wrong: string[] = [];
  if (length < MIN_PASSWORD_LENGTH) wrong.push(`is ${length} characters, fewer than ${MIN_PASSWORD_LENGTH}`);
  if (length > MAX_PASSWORD_LENGTH) wrong.push(`is ${length} characters, more than ${MAX_PASSWORD_LENGTH}`);
  // Described by class, so no character of the password is shown.
  if (/\s/.test(password)) wrong.push('contains whitespace');
  if (/["']/.test(password)) wrong.push('contains a quote');
  if (password.includes('\\')) wrong.push('contains a backslash');
  if (/[^\s!-~]/.test(password)) wrong.push('contains a character outside printable ASCII');
  if (wrong.length === 0) return undefined;
  return {
    message: `${wrong.join(', ')}; the hosts' env file takes ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} printable ASCII characters without spaces, quotes or backslashes`,
    fix: 'leave password unset and set the generated sensitive variable (TF_VAR_<id>_password), or give such a password, e.g. from `openssl rand -base64 24 | tr -d "=+/"`',
  };
}
