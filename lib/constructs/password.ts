// A network password given as a plain string: judged at synth by the rule
// the password variable applies at plan time (never shown in a message),
// and written into the shared env file's local so that no character of it
// can be read as Terraform syntax.
import { Fn, Token } from 'cdktf';
import { passwordProblem, shownPassword } from '../core/check/password';
import { ProblemList } from '../core/check/problems';
import type { SecretContent } from '../core/boot/document';

/**
 * The problem with a literal password, if any. A cdktf token is judged by its
 * variable's validation at plan time; any other string is the password
 * itself, `${` included. Key Vault mode refuses any literal on its own
 * (key-vault-password-literal).
 */
export function literalPasswordProblems(path: string, password: string | undefined, keyVault: boolean): ProblemList {
  const problems = new ProblemList();
  if (password === undefined || Token.isUnresolved(password) || keyVault) return problems;
  const bad = passwordProblem(password);
  if (bad) problems.add('password-invalid', path, 'password', shownPassword(password), bad.message, bad.fix);
  return problems;
}

/**
 * The expression of the shared env file in base64. A literal password is
 * encoded here, at synth: as text in an HCL expression its `"`, `${` or `%{`
 * would be read as syntax. (It is still a literal in cdk.tf.json, which its
 * warning says.)
 */
export function sharedEnvExpression(shared: SecretContent, password: string): string {
  return Token.isUnresolved(password)
    ? Fn.base64encode(Fn.join('', [shared.before, password, shared.after]))
    : Buffer.from(`${shared.before}${password}${shared.after}`, 'utf8').toString('base64');
}
