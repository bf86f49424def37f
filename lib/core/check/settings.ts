// Checks on the network's own settings: the release it installs, weaveDNS,
// the units that pull Weave in, and the bootstrap count.
import type { ProblemList } from './problems';
import type { NetworkSpec } from '../declare/network';

const SHA256_RE = /^[0-9a-f]{64}$/;
/**
 * A release version that is also a valid Docker image tag (the version is the
 * `weave` and `weaveexec` image tag): `X.Y.Z` with an optional `-suffix`.
 * Docker tags are `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, so semver build
 * metadata (`+x`) is refused; the length cap is the tag's.
 */
const VERSION_RE = /^(?=.{1,128}$)\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
/** A unit that can pull in a target: a target or a service (a narrower rule than the users' unit names in content.ts). */
const TARGET_OR_SERVICE_RE = /^[A-Za-z0-9:_.\\@-]+\.(target|service)$/;
const DOMAIN_RE = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+$/;

/**
 * Checks on the network's own settings.
 * @param options - `recorded`: an allocation record decides the bootstrap
 *   count, so `bootstrapSize` is compared with it instead of with the host
 *   count (hosts may have been removed since bootstrap); `onlyPools`: every
 *   cluster is a pool, which the pool check says better than "no hosts"
 */
export function checkSettings(spec: NetworkSpec, problems: ProblemList, options: { recorded?: boolean; onlyPools?: boolean } = {}): void {
  const r = spec.release;
  const path = spec.path;
  if (r.version === 'latest' || !VERSION_RE.test(r.version)) {
    problems.add(
      r.version === 'latest' ? 'version-latest' : 'version-invalid',
      path, 'release.version', r.version,
      r.version === 'latest'
        ? 'is not a pinned version; hosts booted on different days would run different releases'
        : 'is not a release version X.Y.Z (optionally -suffix) that is also a valid Docker image tag: letters, digits, "_", "." and "-", no "+", at most 128 characters',
      /^\d+\.\d+\.\d+\+/.test(r.version) ? `pin the release without build metadata, e.g. "${r.version.replace(/\+.*$/, '')}"` : 'pin a release, e.g. "2.9.0"',
    );
  }
  if (r.sha256 !== undefined && !SHA256_RE.test(r.sha256)) {
    problems.add('sha256-invalid', path, 'release.sha256', r.sha256,
      'is not 64 lowercase hex digits',
      'give the output of `sha256sum weave` for the pinned script, or leave sha256 out');
  }
  if (!/^https:\/\/[^\s'"\\$%]+$/.test(r.scriptUrl)) {
    problems.add('script-url-invalid', path, 'release.scriptUrl', r.scriptUrl,
      'is not an https URL without quotes, spaces, "$" or "%"',
      'use e.g. https://github.com/rajch/weave/releases/download/v2.9.0/weave');
  } else if (/\/latest(\/|$)|latest_release/.test(r.scriptUrl)) {
    problems.add('script-url-latest', path, 'release.scriptUrl', r.scriptUrl,
      'follows a moving "latest" release', 'point at a versioned release asset, e.g. .../download/v2.9.0/weave');
  }
  if (spec.dnsDomain !== false && !DOMAIN_RE.test(spec.dnsDomain)) {
    problems.add('dns-domain-invalid', path, 'dnsDomain', spec.dnsDomain,
      'is not a lowercase domain ending in "."', 'use e.g. "weave.local."');
  }
  if (spec.wantedBy.length === 0) {
    problems.add('wanted-by-empty', path, 'wantedBy', [],
      'is empty, so nothing would ever start weave-network.target', 'leave it out (multi-user.target) or name the targets that should pull Weave in');
  }
  for (const unit of spec.wantedBy) {
    if (!TARGET_OR_SERVICE_RE.test(unit)) {
      problems.add('wanted-by-invalid', path, 'wantedBy', unit,
        'is not a systemd target or service name', 'use names such as "multi-user.target" or "kubernetes.node.target"');
    }
  }
  const hostCount = spec.clusters.reduce((n, c) => n + c.hosts.length, 0);
  if (hostCount === 0 && !options.onlyPools) {
    problems.add('network-empty', path, 'clusters', spec.clusters.map((c) => c.name),
      'declare no hosts, so there is no mesh to build', 'add a WeaveCluster with at least one WeaveHost');
  }
  const b = spec.bootstrapSize;
  if (b !== undefined && (!Number.isInteger(b) || b < 1 || (!options.recorded && hostCount > 0 && b > hostCount))) {
    problems.add('bootstrap-size', path, 'bootstrapSize', b,
      `must be a whole number from 1 to the host count (${hostCount}); every bootstrap peer waits for that many peers before handing out addresses`,
      hostCount > 0 ? `set it to ${Math.min(Math.max(1, Math.trunc(b) || 1), hostCount)} or leave it out to use all ${hostCount} hosts` : 'declare hosts first');
  }
}
