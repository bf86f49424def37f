// Names the checks judge everywhere: host names (Linux computer names,
// env-file names, what peers dial) and DNS labels, with a clean suggestion
// for a bad one. Which names must be unique, and where, is said by the code
// that loops over them.
import type { ProblemList } from './problems';
import type { HostSpec } from '../declare/network';

/** Azure's rule for a public IP's DNS label. */
export const DNS_LABEL_RE = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
const HOST_LABEL_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Login names as shadow-utils' useradd accepts them by default: `[a-z_][a-z0-9_-]*`, at most 32 characters (useradd(8)). */
export const LINUX_USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Azure Linux computer names are at most 64 characters; keep one for a trailing dot-free FQDN label. */
export const MAX_HOST_NAME = 63;

const isHostName = (name: string) =>
  name.length > 0 && name.length <= MAX_HOST_NAME && name.split('.').every((l) => HOST_LABEL_RE.test(l)) && !/^\d+$/.test(name);

/**
 * A cleaned-up host name close to `name`: lowercase, other characters turned
 * into hyphens, empty labels dropped, at most 63 characters. `undefined`
 * when nothing valid and different comes out.
 */
function suggestHostName(name: string): string | undefined {
  let s = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .split('.')
    .map((l) => l.replace(/^-+|-+$/g, ''))
    .filter(Boolean)
    .join('.')
    .slice(0, MAX_HOST_NAME)
    .replace(/[-.]+$/, '');
  if (/^\d+$/.test(s)) s = `host-${s}`.slice(0, MAX_HOST_NAME);
  return isHostName(s) && s !== name ? s : undefined;
}

/** Why `name` is not a valid host name, with a fix; `undefined` when it is one. */
export function hostNameProblem(name: string): { message: string; fix: string } | undefined {
  if (isHostName(name)) return undefined;
  const suggestion = suggestHostName(name);
  const fix = suggestion ? `use a name such as "${suggestion}"` : 'use lowercase letters, digits and hyphens, e.g. "azure-prd-01"';
  if (name.length === 0) return { message: 'is empty', fix };
  if (name.length > MAX_HOST_NAME) {
    return { message: `is ${name.length} characters; Azure Linux computer names and DNS labels allow at most ${MAX_HOST_NAME}`, fix };
  }
  if (/^\d+$/.test(name)) return { message: 'is all digits, which Azure refuses as a VM name', fix };
  return {
    message: 'is not a valid host name (lowercase letters, digits and inner hyphens, dot-separated; no "_", no leading or trailing "-" or ".")',
    fix,
  };
}

/**
 * A valid DNS label close to `label`: lowercase, other characters turned
 * into hyphens, starting with a letter, at most 63 characters; never the
 * label itself.
 */
export function suggestDnsLabel(label: string): string {
  let s = label
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (s.length > 0 && s.length < 3) s = `${s}-01`;
  return DNS_LABEL_RE.test(s) && s !== label ? s : 'weave-cluster-01';
}

/**
 * A host's name: valid, and not used by another host of the network
 * (`owners` maps the names seen so far to their paths).
 */
export function checkHostName(h: HostSpec, owners: Map<string, string>, problems: ProblemList): void {
  const bad = hostNameProblem(h.name);
  if (bad) {
    problems.add('host-name-invalid', h.path, 'hostName', h.name, bad.message, bad.fix);
    return;
  }
  const owner = owners.get(h.name);
  if (owner) {
    problems.add('host-name-duplicate', h.path, 'hostName', h.name,
      `is already used by ${owner}; peers dial hosts by name and env files are named after them`,
      'give every host in the network its own name');
  } else {
    owners.set(h.name, h.path);
  }
}
