/**
 * Write and read concerns (read-write-concern.md) as the Node driver spells them, their
 * validation, and how they are added to command documents.
 */
import { MongoInvalidArgumentError } from '../core/errors.js';
import type { Document } from './runtime/ports.js';

/** read-write-concern.md "WriteConcern": `w` is a count or a tag/`"majority"`; `wtimeoutMS` in ms; `journal` → `j`. */
export interface WriteConcern {
  readonly w?: number | string;
  readonly wtimeoutMS?: number;
  readonly journal?: boolean;
}

/** read-write-concern.md "ReadConcern". */
export interface ReadConcern {
  readonly level: string;
}

/** The read concern levels servers know (read-write-concern.md "Read Concern"). */
export const readConcernLevels = ['local', 'majority', 'linearizable', 'available', 'snapshot'] as const;

const writeConcernKeys = new Set(['w', 'wtimeoutMS', 'wtimeout', 'journal', 'j']);

/** Validates a user write concern object; `where` names it in errors (e.g. "options.writeConcern"). */
export function writeConcern(input: unknown, where: string): WriteConcern {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new MongoInvalidArgumentError(`${where} must be an object like {w, wtimeoutMS, journal}, got ${describe(input)}`);
  }
  const out: { w?: number | string; wtimeoutMS?: number; journal?: boolean } = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (!writeConcernKeys.has(key)) throw new MongoInvalidArgumentError(`${where} has unknown field "${key}" (expected w, wtimeoutMS, journal)`);
    if (value === undefined) continue;
    if (key === 'w') out.w = wValue(value, `${where}.w`);
    else if (key === 'wtimeoutMS' || key === 'wtimeout') out.wtimeoutMS = nonNegativeInteger(value, `${where}.${key}`);
    else {
      if (typeof value !== 'boolean') throw new MongoInvalidArgumentError(`${where}.${key} must be a boolean, got ${describe(value)}`);
      out.journal = value;
    }
  }
  // read-write-concern.md: {w: 0, j: true} is invalid.
  if (out.w === 0 && out.journal === true) throw new MongoInvalidArgumentError(`${where} {w: 0, journal: true} is invalid: an unacknowledged write cannot wait for the journal`);
  return Object.freeze(out);
}

export function readConcern(input: unknown, where: string): ReadConcern {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new MongoInvalidArgumentError(`${where} must be an object like {level: "majority"}, got ${describe(input)}`);
  }
  const keys = Object.keys(input as object);
  const extra = keys.find((k) => k !== 'level');
  if (extra !== undefined) throw new MongoInvalidArgumentError(`${where} has unknown field "${extra}" (expected level)`);
  const level = (input as { level?: unknown }).level;
  if (typeof level !== 'string' || level.length === 0) throw new MongoInvalidArgumentError(`${where}.level must be a non-empty string, got ${describe(level)}`);
  return Object.freeze({ level });
}

/** w 0 without journal: the server sends no reply (OP_MSG moreToCome). */
export function isUnacknowledged(wc: WriteConcern | undefined): boolean {
  return wc !== undefined && wc.w === 0 && wc.journal !== true;
}

/** The `writeConcern` field of a write command, or undefined when nothing is set (server default). */
export function writeConcernDocument(wc: WriteConcern | undefined): Document | undefined {
  if (wc === undefined) return undefined;
  const doc: Document = {};
  if (wc.w !== undefined) doc.w = wc.w;
  if (wc.journal !== undefined) doc.j = wc.journal;
  if (wc.wtimeoutMS !== undefined) doc.wtimeout = wc.wtimeoutMS;
  return Object.keys(doc).length === 0 ? undefined : doc;
}

export function readConcernDocument(rc: ReadConcern | undefined): Document | undefined {
  return rc === undefined ? undefined : { level: rc.level };
}

function wValue(value: unknown, where: string): number | string {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new MongoInvalidArgumentError(`${where} must be a non-negative integer or a non-empty string such as "majority", got ${describe(value)}`);
}

function nonNegativeInteger(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new MongoInvalidArgumentError(`${where} must be a non-negative integer (ms), got ${describe(value)}`);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return `${typeof value} ${String(value)}`;
}
