// Small text rules that several subjects share, written once.

/** Standard base64 (RFC 4648 §4), padded, without line breaks. */
export const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Whether a switch given as text (an environment variable, a context value) is on: `1`, `true` or `yes`, any case. */
export function isTruthy(value: unknown): boolean {
  return /^(1|true|yes)$/i.test(String(value ?? ''));
}

/** Compares dotted versions numerically (`1.9.0` < `1.11.0`); a leading `v` and pre-release or build suffixes are ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[-+]/)[0].split('.').map((n) => Number.parseInt(n, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
