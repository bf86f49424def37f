// The network password: a plain string is judged at synth by the rule
// the password variable applies at plan time (never shown in a message),
// and written into the shared env file's local so that no character of it
// can be read as Terraform syntax; a variable gets that rule as validation.
import { Fn, TerraformStack, TerraformVariable, TerraformVariableValidationConfig, Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../core/defaults';
import { passwordProblem, shownPassword } from '../core/check/password';
import { ProblemList } from '../core/check/problems';
import type { SecretContent } from '../core/boot/document';
import { resolveText } from './terraform/expressions';

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

/** What a password variable must hold: the value lands unquoted in a systemd EnvironmentFile. */
export function passwordValidation(name: string): TerraformVariableValidationConfig {
  return {
    condition: `\${length(var.${name}) >= ${MIN_PASSWORD_LENGTH} && length(var.${name}) <= ${MAX_PASSWORD_LENGTH} && can(regex("^[!-~]+$", var.${name})) && !can(regex("[\\"'\\\\\\\\]", var.${name}))}`,
    errorMessage: `The Weave password must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} printable ASCII characters without spaces, quotes or backslashes.`,
  };
}

/**
 * A password passed as a reference to the user's own variable gets the same
 * check as the library's variable, when the variable has none of its own.
 */
export function guardPasswordVariable(network: IConstruct, password: string): void {
  const stack = TerraformStack.of(network);
  const ref = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(resolveText(stack, password));
  if (!ref) return;
  const variable = stack.node.findAll().find((c): c is TerraformVariable =>
    c instanceof TerraformVariable && c.friendlyUniqueId === ref[1]);
  if (variable && !(variable.validation?.length)) variable.addValidation(passwordValidation(ref[1]));
}
