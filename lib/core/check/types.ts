// The types of what a user passes, checked before anything reads it. From
// TypeScript the compiler does this; from JavaScript, JSON or a cdktf
// context value (`location: 42`, `files: "x"`, a `null` unit) a wrong type
// would otherwise surface as a TypeError with a stack trace deep in a check.
import type { ProblemList } from './problems';

/** The type an option takes: a primitive, a list of objects, an object (optionally with its own fields' types), or either of two. */
export type TypeSpec =
  | 'string' | 'number' | 'boolean' | 'object' | 'strings' | 'objects' | 'string|object' | 'string|number'
  | { readonly fields: TypeTable };

/** One type per option of an interface; the compiler keeps the table complete. */
export type TypeTable<T = Record<string, unknown>> = { readonly [K in keyof Required<T>]: TypeSpec };

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

function matches(spec: Exclude<TypeSpec, { fields: TypeTable }>, v: unknown): boolean {
  switch (spec) {
    case 'strings': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'objects': return Array.isArray(v) && v.every(isObject);
    case 'object': return isObject(v);
    case 'string|object': return typeof v === 'string' || isObject(v);
    case 'string|number': return typeof v === 'string' || typeof v === 'number';
    default: return typeof v === spec;
  }
}

const described: Record<string, string> = {
  strings: 'a list of strings', objects: 'a list of objects', object: 'an object', 'string|object': 'a string or an object',
  'string|number': 'a string or a number', string: 'a string', number: 'a number', boolean: 'true or false',
};

/** How a wrongly typed value shows: its type only (the option may be a secret, e.g. a numeric password). */
function shown(v: unknown): string {
  return `(${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v})`;
}

/**
 * Adds a `prop-type-invalid` problem for every given option whose value is
 * not of its type (unset ones are fine; each option's own checks judge the rest).
 *
 * @param at - how the field is named, e.g. `ssh.` for nested options
 */
export function checkTypes(path: string, given: unknown, table: TypeTable, problems: ProblemList, at = ''): void {
  if (given === undefined || given === null || typeof given !== 'object') return;
  for (const [key, spec] of Object.entries(table)) {
    const v = (given as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (v === null) {
      problems.add('prop-type-invalid', path, `${at}${key}`, shown(v), 'is null', `leave ${at}${key} out (unset) instead of null`);
    } else if (typeof spec === 'object') {
      if (!isObject(v)) {
        problems.add('prop-type-invalid', path, `${at}${key}`, shown(v), 'is not an object', `give ${at}${key} as an object, or leave it out`);
      } else {
        checkTypes(path, v, spec.fields, problems, `${at}${key}.`);
      }
    } else if (!matches(spec, v)) {
      problems.add('prop-type-invalid', path, `${at}${key}`, shown(v), `is not ${described[spec]}`, `give ${at}${key} as ${described[spec]} (see its documentation), or leave it out`);
    }
  }
}
