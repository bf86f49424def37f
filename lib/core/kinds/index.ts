// The registry of kinds: one line per kind. A new kind adds its folder here
// (and its construct side in lib/constructs/kinds/), its name to ClusterKind
// and its option interfaces to WeaveClusterOptions / WeaveHostOptions
// (declare/network.ts); the record type below makes a missing driver a
// compile error.
import type { ClusterKind } from '../declare/network';
import { AZURE } from './azure/driver';
import { DEDICATED } from './dedicated/driver';
import type { KindDriver } from './kind';
import { SCALE_SET } from './scale-set/driver';

/** Every kind's driver, by name. */
export const KINDS: Readonly<Record<ClusterKind, KindDriver>> = {
  azure: AZURE,
  dedicated: DEDICATED,
  'scale-set': SCALE_SET,
};

/** The driver of a kind; undefined for a name no kind has (from untyped input). */
export function kindDriver(kind: string): KindDriver | undefined {
  return Object.prototype.hasOwnProperty.call(KINDS, kind) ? KINDS[kind as ClusterKind] : undefined;
}
