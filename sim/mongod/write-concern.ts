/**
 * Write concern as a server parses and reports it: `w` (a number or "majority"), `j`,
 * `wtimeout`, the implicit default (w:majority from 5.0, w:1 when the set has arbiters), and
 * the errors a server gives for impossible ones (read-write-concern.md; MongoDB manual).
 */
import type { ReplSetConfig } from './config.js';
import { CommandError, ErrorCodes } from './errors.js';
import type { Doc } from './query.js';
import { isPlainObject } from './values.js';

export interface WriteConcern {
  readonly w: number | 'majority';
  readonly j: boolean;
  /** 0 = wait forever. */
  readonly wtimeout: number;
  readonly raw: Doc;
  /** 'clientSupplied' or 'implicitDefault', as in writeConcernError.errInfo. */
  readonly provenance: string;
}

export interface WriteConcernContext {
  readonly replicaSet: boolean;
  readonly maxWireVersion: number;
  readonly config: ReplSetConfig | null;
}

/** Parses a command's `writeConcern`; throws CommandError with the server's code for bad or unsatisfiable ones. */
export function parseWriteConcern(body: Readonly<Doc>, context: WriteConcernContext): WriteConcern {
  const raw = body['writeConcern'];
  const config = context.config;
  // Implicit default write concern (5.0+): majority, unless the set has arbiters (PSA → w:1).
  const implicitMajority = context.replicaSet && context.maxWireVersion >= 13 && config !== null && !config.members.some((m) => m.arbiterOnly);
  if (raw === undefined || (isPlainObject(raw) && Object.keys(raw).length === 0)) {
    return { w: implicitMajority ? 'majority' : 1, j: false, wtimeout: 0, raw: {}, provenance: 'implicitDefault' };
  }
  if (!isPlainObject(raw)) throw new CommandError(ErrorCodes.FailedToParse, 'writeConcern must be an object');
  let w: number | 'majority' = implicitMajority && raw['w'] === undefined ? 'majority' : 1;
  if (raw['w'] !== undefined) {
    const value = raw['w'];
    if (value === 'majority') w = 'majority';
    else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) w = value;
    else if (typeof value === 'string') throw new CommandError(ErrorCodes.UnknownReplWriteConcern, `No write concern mode named '${value}' found in replica set configuration`);
    else throw new CommandError(ErrorCodes.FailedToParse, 'w has to be a number or a string');
  }
  const j = raw['j'] === true;
  const wtimeoutRaw = raw['wtimeout'] ?? raw['wtimeoutMS'];
  if (wtimeoutRaw !== undefined && (typeof wtimeoutRaw !== 'number' || !(wtimeoutRaw >= 0))) {
    throw new CommandError(ErrorCodes.FailedToParse, 'wtimeout must be a non-negative number');
  }
  const wtimeout = typeof wtimeoutRaw === 'number' ? wtimeoutRaw : 0;
  if (typeof w === 'number') {
    if (!context.replicaSet && w > 1) throw new CommandError(ErrorCodes.BadValue, `cannot use non-majority 'w' mode ${w} when a host is not a member of a replica set`);
    const dataBearing = config?.members.filter((m) => !m.arbiterOnly).length ?? 1;
    if (w > dataBearing) throw new CommandError(ErrorCodes.UnsatisfiableWriteConcern, 'Not enough data-bearing nodes');
  }
  return { w, j, wtimeout, raw, provenance: 'clientSupplied' };
}

/** The writeConcernError a server reports when `wtimeout` expires (the write itself stays applied). */
export function writeConcernTimeoutError(wc: WriteConcern): Doc {
  return {
    code: ErrorCodes.WriteConcernFailed,
    codeName: 'WriteConcernFailed',
    errmsg: 'waiting for replication timed out',
    errInfo: { wtimeout: true, writeConcern: { w: wc.w, wtimeout: wc.wtimeout, provenance: wc.provenance } },
  };
}
