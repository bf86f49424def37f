// Users' own files and units merged into a host's boot document: the levels
// (network, cluster, host) merged in that order, and the result added to
// Weave's own files and units. An Azure VM has exactly one custom-data
// document, so a host that runs Kubernetes (or anything) beside Weave needs
// both in it. The checks that keep user content off what the library owns
// are in check/content.ts.
import { createHash } from 'node:crypto';
import { UserContent, UserFile, WeaveUnit, isEmptyContent, unitEnabled } from '../declare/content';
import type { HostSpec, NetworkSpec } from '../declare/network';
import type { BootDocument, BootFile, BootUnit } from './document';

/**
 * The content one host receives: every level merged, files sorted by path
 * and units by name, so where an entry was declared does not change the
 * rendered document.
 */
export interface MergedUserContent {
  /** Files, sorted by path. */
  readonly files: readonly UserFile[];
  /** Units, sorted by name. */
  readonly units: readonly WeaveUnit[];
  /** sha256 of the merged content, for replacement triggers. */
  readonly digest: string;
}

/**
 * Merges levels in order (network, cluster, host): a later level's file with
 * the same path, or unit with the same name, replaces the earlier entry
 * whole (a unit with its contents, drop-ins, enable and start).
 *
 * @param levels - content per level, most general first
 */
export function mergeUserContent(levels: readonly (UserContent | undefined)[]): MergedUserContent {
  const files = new Map<string, UserFile>();
  const units = new Map<string, WeaveUnit>();
  for (const level of levels) {
    for (const f of level?.files ?? []) files.set(f.path, f);
    for (const u of level?.units ?? []) units.set(u.name, u);
  }
  const byKey = <T>(m: Map<string, T>): T[] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  const merged = { files: byKey(files), units: byKey(units) };
  const digest = createHash('sha256')
    .update(JSON.stringify(merged, (k, v) => (k === 'sensitive' || k === 'display' ? undefined : v)))
    .digest('hex');
  return { ...merged, digest };
}

/**
 * Merges per host, reusing one object for every host whose cluster-level
 * result it shares, so renderers can cache by identity.
 *
 * @returns a function giving each host's merged content, or undefined when it has none
 */
export function userContentResolver(spec: NetworkSpec): (clusterIndex: number, host: HostSpec) => MergedUserContent | undefined {
  // Clusters without their own content share the network's merged object.
  const networkOnly = isEmptyContent(spec.content) ? undefined : mergeUserContent([spec.content]);
  const perCluster = spec.clusters.map((c) => (isEmptyContent(c.content) ? networkOnly : mergeUserContent([spec.content, c.content])));
  return (clusterIndex, host) => {
    if (isEmptyContent(host.content)) return perCluster[clusterIndex];
    return mergeUserContent([spec.content, spec.clusters[clusterIndex].content, host.content]);
  };
}

function fileContent(f: UserFile): BootFile['content'] {
  if (f.expression) return f.expression;
  if (f.contentBase64 !== undefined) return { base64: f.contentBase64 };
  return f.content ?? '';
}

/**
 * The boot document with a host's user content added: files after Weave's,
 * drop-ins for `docker.service` in Weave's entry for it (after Weave's own),
 * every other unit after Weave's target.
 *
 * @param boot - Weave's boot document for the host
 * @param content - the host's merged user content
 */
export function withUserContent(boot: BootDocument, content: MergedUserContent | undefined): BootDocument {
  if (!content || (content.files.length === 0 && content.units.length === 0)) return boot;
  const files: BootFile[] = [
    ...boot.files,
    ...content.files.map((f): BootFile => ({ path: f.path, mode: f.mode ?? 0o644, owner: f.owner, content: fileContent(f) })),
  ];
  const toBoot = (u: WeaveUnit): BootUnit => ({
    name: u.name,
    ...(u.contents !== undefined ? { contents: u.contents } : {}),
    enable: unitEnabled(u),
    ...(u.start ? { start: true } : {}),
    ...(u.dropIns?.length ? { dropIns: u.dropIns.map((d) => ({ name: d.name, contents: d.contents })) } : {}),
  });
  const amended = new Map(content.units.map((u) => [u.name, u]));
  const units: BootUnit[] = boot.units.map((lib) => {
    const user = amended.get(lib.name);
    if (!user) return lib;
    amended.delete(lib.name);
    // Only docker.service gets here: the checks keep users off the library's own units.
    const mine = toBoot(user);
    return {
      ...lib,
      ...(mine.contents !== undefined ? { contents: mine.contents } : {}),
      enable: lib.enable || mine.enable,
      ...(lib.start || mine.start ? { start: true } : {}),
      dropIns: [...(lib.dropIns ?? []), ...(mine.dropIns ?? [])],
    };
  });
  for (const u of content.units) if (amended.has(u.name)) units.push(toBoot(u));
  return { ...boot, files, units };
}
