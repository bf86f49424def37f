/**
 * True when a string carries a Terraform expression (a cdktf token renders as
 * `${TfToken[...]}`, a raw interpolation as `${...}`). Such values are only
 * known at apply time, so the planner checks presence, not content.
 */
export function isToken(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}
