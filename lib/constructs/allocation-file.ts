import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  AllocationFile,
  DEFAULT_ALLOCATION_FILE,
  parseAllocationFile,
  serializeAllocationFile,
  withNetworkRecord,
  AllocationRecord,
} from '../core/allocation/record';
import { WeaveConfigError, raise } from '../core/check/problems';

/** Environment variable naming the allocation record file (a path). */
export const ALLOCATION_FILE_ENV = 'WEAVE_ALLOCATION_FILE';

/** Where the record lives: the prop, else WEAVE_ALLOCATION_FILE, else beside cdktf.json (the working directory of `cdktf synth`). */
export function allocationFilePath(given: string | undefined): string {
  return resolve(given ?? process.env[ALLOCATION_FILE_ENV] ?? DEFAULT_ALLOCATION_FILE);
}

/** The parsed file, or `undefined` when there is none yet. A corrupt file stops the synth; it is never overwritten. */
export function readAllocationFile(path: string): AllocationFile | undefined {
  // Read afresh each time: it is small, and another network may just have written it.
  if (!existsSync(path)) return undefined;
  const parsed = parseAllocationFile(readFileSync(path, 'utf8'), path);
  if (parsed.problems.length) raise(new WeaveConfigError(parsed.problems));
  return parsed.file;
}

/**
 * Puts one network's record into the file, re-reading it first (other
 * networks may have written theirs), and writes only when the text changes.
 */
export function writeNetworkRecord(path: string, networkPath: string, record: AllocationRecord): void {
  const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const current = readAllocationFile(path);
  const text = serializeAllocationFile(withNetworkRecord(current, networkPath, record));
  if (text !== before) writeFileSync(path, text);
}
