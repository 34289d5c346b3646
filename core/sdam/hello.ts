/**
 * SDAM "Parsing a hello or legacy hello response": turns one reply into a ServerDescription.
 * Any reply is accepted: a malformed one (wrong types, bad addresses, oversized lists)
 * yields an Unknown description whose `error` names the offending field, never an exception.
 */
import { describeType, normalizeAddress } from './address.js';
import { HelloFieldError, readBigInt, readDateMs, readInteger, readObjectIdHex } from './bson-values.js';
import { maxHelloStringChars, maxHostsPerHelloList, maxTagsPerServer } from './constants.js';
import { boundErrorMessage, unknownServerDescription } from './server-description.js';
import type { OpTime, ServerDescription, ServerType, TopologyVersion } from './types.js';

export interface HelloOutcome {
  /** Averaged round trip time in ms as computed by the monitor (server-monitoring.md "Measuring RTT"). */
  readonly roundTripTime: number;
  /** Minimum RTT over the monitor's recent samples, or null when the monitor does not track it. */
  readonly minRoundTripTime?: number | null;
}

type Reply = Record<string, unknown>;
const emptyList: readonly string[] = Object.freeze([]);
const emptyTags: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Builds the description of `address` from a hello reply received at `now`. Never throws.
 * `previous` (the server's current description) lets unchanged host lists and tags be shared
 * instead of rebuilt, which keeps steady-state updates cheap and equality checks O(1).
 */
export function parseHello(address: string, reply: unknown, outcome: HelloOutcome, now: number, previous: ServerDescription | null = null): ServerDescription {
  // A NaN or infinite time would be stored as lastUpdateTime and poison staleness; the
  // description keeps the default (never updated) time instead.
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    return unknownServerDescription(address, { error: new HelloFieldError('<now>', `must be a finite number of ms, got ${typeof now === 'number' ? String(now) : describeType(now)}`).message });
  }
  try {
    return parseOrThrow(address, reply, outcome, now, previous);
  } catch (error) {
    // HelloFieldError is the expected case; anything else (a throwing getter or proxy in a
    // hand-built reply) is still bad input and is reported the same way.
    const detail = error instanceof HelloFieldError ? error.message : `hello reply could not be read: ${errorText(error)}`;
    return unknownServerDescription(address, { error: detail, lastUpdateTime: now });
  }
}

function parseOrThrow(address: string, input: unknown, outcome: HelloOutcome, now: number, previous: ServerDescription | null): ServerDescription {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HelloFieldError('<reply>', `must be a document, got ${describeType(input)}`);
  }
  const reply = input as Reply;
  const rtt = outcome.roundTripTime;
  if (typeof rtt !== 'number' || !Number.isFinite(rtt) || rtt < 0) throw new HelloFieldError('<roundTripTime>', 'must be a finite number >= 0');
  const minRtt = outcome.minRoundTripTime ?? null;
  if (minRtt !== null && (typeof minRtt !== 'number' || !Number.isFinite(minRtt) || minRtt < 0)) {
    throw new HelloFieldError('<minRoundTripTime>', 'must be a finite number >= 0');
  }

  // SDAM "type": Unknown when "ok: 1" is not in the reply.
  const ok = reply.ok;
  if (ok !== 1 && ok !== true) {
    const errmsg = optionalString(reply.errmsg, 'errmsg');
    const error = `hello reply is not ok (ok: ${String(typeof ok === 'object' ? describeType(ok) : ok)})${errmsg ? `: ${errmsg}` : ''}`;
    return unknownServerDescription(address, { error, lastUpdateTime: now, topologyVersion: optionalTopologyVersion(reply) });
  }

  const setName = optionalString(reply.setName, 'setName');
  const type = serverTypeOf(reply, setName);

  const lastWrite = lastWriteDoc(reply);
  // Not frozen: this runs for every heartbeat and freezing costs more than building; the type is readonly.
  return {
    address,
    type,
    error: null,
    roundTripTime: rtt,
    minRoundTripTime: minRtt,
    lastWriteDate: lastWriteDateOf(lastWrite),
    opTime: opTimeOf(lastWrite),
    minWireVersion: optionalInteger(reply.minWireVersion, 'minWireVersion') ?? 0,
    maxWireVersion: optionalInteger(reply.maxWireVersion, 'maxWireVersion') ?? 0,
    me: optionalAddress(reply.me, 'me', previous?.me),
    hosts: hostList(reply.hosts, 'hosts', previous?.hosts),
    passives: hostList(reply.passives, 'passives', previous?.passives),
    arbiters: hostList(reply.arbiters, 'arbiters', previous?.arbiters),
    tags: tagsOf(reply, previous?.tags),
    setName,
    electionId: reply.electionId == null ? null : readObjectIdHex(reply.electionId, 'electionId', previous?.electionId ?? null),
    setVersion: optionalInteger(reply.setVersion, 'setVersion'),
    primary: optionalAddress(reply.primary, 'primary', previous?.primary),
    lastUpdateTime: now,
    logicalSessionTimeoutMinutes: optionalInteger(reply.logicalSessionTimeoutMinutes, 'logicalSessionTimeoutMinutes'),
    topologyVersion: readTopologyVersion(reply.topologyVersion, 'topologyVersion', previous?.topologyVersion),
    iscryptd: optionalBoolean(reply.iscryptd, 'iscryptd'),
    serviceId: reply.serviceId == null ? null : readObjectIdHex(reply.serviceId, 'serviceId', previous?.serviceId ?? null),
    maxBsonObjectSize: optionalSize(reply.maxBsonObjectSize, 'maxBsonObjectSize'),
    maxMessageSizeBytes: optionalSize(reply.maxMessageSizeBytes, 'maxMessageSizeBytes'),
    maxWriteBatchSize: optionalSize(reply.maxWriteBatchSize, 'maxWriteBatchSize'),
  } satisfies ServerDescription;
}

/** SDAM "type" table. "hidden: true" wins over the primary/secondary flags (RSOther). */
function serverTypeOf(reply: Reply, setName: string | null): ServerType {
  if (optionalBoolean(reply.isreplicaset, 'isreplicaset')) return 'RSGhost';
  if (optionalString(reply.msg, 'msg') === 'isdbgrid') return 'Mongos';
  if (setName === null) return 'Standalone';
  if (optionalBoolean(reply.hidden, 'hidden')) return 'RSOther';
  // "drivers MUST first check for the isWritablePrimary field and fall back to ismaster".
  const writable = reply.isWritablePrimary !== undefined ? optionalBoolean(reply.isWritablePrimary, 'isWritablePrimary') : optionalBoolean(reply.ismaster, 'ismaster');
  if (writable) return 'RSPrimary';
  if (optionalBoolean(reply.secondary, 'secondary')) return 'RSSecondary';
  if (optionalBoolean(reply.arbiterOnly, 'arbiterOnly')) return 'RSArbiter';
  return 'RSOther';
}

// The readers below take the field's value, read at the call site with a constant name (a
// monomorphic property load), rather than reading `reply[field]` themselves (a keyed load that
// sees a dozen names and goes megamorphic), which made up most of a steady-state parse.
function optionalString(value: unknown, field: string): string | null {
  if (value == null) return null;
  if (typeof value !== 'string') throw new HelloFieldError(field, `must be a string, got ${describeType(value)}`);
  if (value.length > maxHelloStringChars) throw new HelloFieldError(field, `is longer than ${maxHelloStringChars} characters`);
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean {
  if (value == null) return false;
  if (typeof value !== 'boolean') throw new HelloFieldError(field, `must be a boolean, got ${describeType(value)}`);
  return value;
}

function optionalInteger(value: unknown, field: string): number | null {
  return value == null ? null : readInteger(value, field);
}

/** A size limit the server reports (bytes or documents): a negative or zero limit cannot be honoured. */
function optionalSize(value: unknown, field: string): number | null {
  const size = optionalInteger(value, field);
  if (size !== null && size < 1) throw new HelloFieldError(field, `must be a positive integer, got ${size}`);
  return size;
}

function optionalAddress(value: unknown, field: string, previous: string | null | undefined): string | null {
  if (value == null) return null;
  // The previous value is already normalised: the same text normalises to itself.
  if (value === previous) return previous;
  const result = normalizeAddress(value);
  if (!result.ok) throw new HelloFieldError(field, `is not a valid address: ${result.error}`);
  return result.address;
}

/** SDAM "Hostnames are normalized to lower-case"; duplicates are dropped, order kept. */
function hostList(value: unknown, field: string, previous: readonly string[] | undefined): readonly string[] {
  if (value == null) return emptyList;
  if (!Array.isArray(value)) throw new HelloFieldError(field, `must be an array, got ${describeType(value)}`);
  if (value.length > maxHostsPerHelloList) {
    throw new HelloFieldError(field, `lists ${value.length} addresses, more than the limit of ${maxHostsPerHelloList}`);
  }
  // The previous list is normalised and duplicate-free: a reply listing exactly it parses to it.
  if (previous !== undefined && sameStrings(value, previous)) return previous;
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < value.length; i++) {
    const result = normalizeAddress(value[i]);
    if (!result.ok) throw new HelloFieldError(`${field}[${i}]`, `is not a valid address: ${result.error}`);
    if (!seen.has(result.address)) {
      seen.add(result.address);
      out.push(result.address);
    }
  }
  return Object.freeze(out);
}

function sameStrings(value: readonly unknown[], previous: readonly string[]): boolean {
  if (value.length !== previous.length) return false;
  for (let i = 0; i < value.length; i++) if (value[i] !== previous[i]) return false;
  return true;
}

function tagsOf(reply: Reply, previous: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
  const value = reply.tags;
  if (value == null) return emptyTags;
  if (typeof value !== 'object' || Array.isArray(value)) throw new HelloFieldError('tags', `must be a document, got ${describeType(value)}`);
  const keys = Object.keys(value);
  if (keys.length === 0) return emptyTags;
  if (keys.length > maxTagsPerServer) throw new HelloFieldError('tags', `has ${keys.length} entries, more than the limit of ${maxTagsPerServer}`);
  const entries: [string, string][] = [];
  for (const key of keys) {
    const tag = (value as Record<string, unknown>)[key];
    if (typeof tag !== 'string') throw new HelloFieldError(`tags.${key}`, `must be a string, got ${describeType(tag)}`);
    entries.push([key, tag]);
  }
  // fromEntries defines own properties: a "__proto__" tag stays a tag instead of being dropped.
  const out: Record<string, string> = Object.fromEntries(entries);
  if (previous !== undefined && sameTags(out, previous)) return previous;
  return Object.freeze(out);
}

function optionalTopologyVersion(reply: Reply): TopologyVersion | null {
  return readTopologyVersion(reply.topologyVersion, 'topologyVersion');
}

/** SDAM "topologyVersion": `{processId: ObjectId, counter: int64}`; null when absent. */
export function readTopologyVersion(value: unknown, field: string, previous: TopologyVersion | null = null): TopologyVersion | null {
  if (value == null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new HelloFieldError(field, `must be a document, got ${describeType(value)}`);
  const doc = value as Record<string, unknown>;
  const processId = readObjectIdHex(doc.processId, `${field}.processId`, previous?.processId ?? null);
  const counter = readInteger(doc.counter, `${field}.counter`);
  // Share the previous value when unchanged, so equality checks are by reference.
  if (previous !== null && previous.processId === processId && previous.counter === counter) return previous;
  return { processId, counter };
}

/** SDAM "lastWriteDate and opTime": the `lastWrite` subdocument, or null when absent. */
function lastWriteDoc(reply: Reply): Record<string, unknown> | null {
  const value = reply.lastWrite;
  if (value == null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new HelloFieldError('lastWrite', `must be a document, got ${describeType(value)}`);
  return value as Record<string, unknown>;
}

function lastWriteDateOf(doc: Record<string, unknown> | null): number | null {
  return doc === null || doc.lastWriteDate == null ? null : readDateMs(doc.lastWriteDate, 'lastWrite.lastWriteDate');
}

function opTimeOf(doc: Record<string, unknown> | null): OpTime | null {
  if (doc === null || doc.opTime == null) return null;
  if (typeof doc.opTime !== 'object' || Array.isArray(doc.opTime)) throw new HelloFieldError('lastWrite.opTime', `must be a document, got ${describeType(doc.opTime)}`);
  const op = doc.opTime as Record<string, unknown>;
  return { ts: readBigInt(op.ts, 'lastWrite.opTime.ts'), t: op.t == null ? -1 : readInteger(op.t, 'lastWrite.opTime.t') };
}

function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
  return true;
}

export function errorText(error: unknown): string {
  try {
    const text = error instanceof Error ? error.message : String(error);
    return boundErrorMessage(text);
  } catch {
    return 'unprintable error';
  }
}
