/**
 * Reads a scenario YAML file into a validated `Scenario`. Every field is checked; unknown
 * fields are errors; every error names the file, the LINE and the FIELD path, e.g.
 *   scenarios/crash.yml:14: field timeline[1].crash: "z:27017" is not a member of the replica set
 */
import type { LatencyDistribution } from '../network/network.js';
import { validateLinkSettings, defaultLinkSettings } from '../network/network.js';
import { parseDuration } from './duration.js';
import type {
  BudgetSpec,
  ClientOpSpec,
  ClientReadConcern,
  ClientReadPreference,
  ClientSpec,
  LinkSpec,
  MemberSpec,
  MongosSpec,
  NetworkSpec,
  RandomFaultsSpec,
  ReplicaSetSpec,
  Scenario,
  ScenarioAction,
  ServerVersion,
  TimelineEntry,
  WorkloadSpec,
  WriteConcernW,
} from './schema.js';
import {
  clientReadConcerns,
  clientReadPreferences,
  maxClientOps,
  maxClients,
  defaultEventBudget,
  defaultReplicaSetName,
  defaultSecondaryCatchUpPeriodSecs,
  defaultSeed,
  defaultStepDownSecs,
  maxEventBudget,
  maxMembers,
  maxTimelineEntries,
  maxWritesPerSecond,
  primaryKeyword,
} from './schema.js';
import { defaultServerVersion, isServerVersion, serverVersions } from '../mongod/versions.js';
import { parseReplSetConfig } from '../mongod/config.js';
import { CommandError, codeNameOf } from '../mongod/errors.js';
import type { FieldPath } from './yaml-source.js';
import { formatPath, YamlSource, YamlSyntaxError } from './yaml-source.js';
import { maxRandomFaults, randomFaultKinds } from './random-faults.js';
import type { RandomFaultKind } from './random-faults.js';

/** The host name the scenario's client (workload writes) connects from. */
export const clientHost = 'client';
/** replSetStepDown / replSetFreeze accept at most this many seconds here (one virtual year). */
const maxSecs = 365 * 86_400;
/** A data member's priority when the scenario does not give one (mongod's default). */
const defaultMemberPriority = 1;

export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    /** The field path, e.g. `timeline[2].crash`, or undefined for syntax errors. */
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}:${line ?? '?'}: ${field === undefined ? '' : `field ${field}: `}${reason}`);
    this.name = 'ScenarioError';
  }
}

type Obj = Record<string, unknown>;

/** Validation context: knows the source positions, so every failure can name its line. */
class Reader {
  constructor(
    readonly source: YamlSource,
    readonly file: string,
  ) {}

  fail(path: FieldPath, reason: string, prefer: 'key' | 'value' = 'value'): never {
    throw new ScenarioError(this.file, this.source.lineOf(path, prefer), formatPath(path), reason);
  }

  /** A mapping whose keys are all in `allowed`; `required` keys must be present. */
  object(value: unknown, path: FieldPath, allowed: readonly string[], required: readonly string[] = []): Obj {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `must be a mapping with fields ${allowed.join(', ')} (got ${describe(value)})`);
    }
    const obj = value as Obj;
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.fail([...path, key], `unknown field "${key}" (allowed here: ${allowed.join(', ')})`, 'key');
    }
    for (const key of required) {
      if (obj[key] === undefined) this.fail([...path, key], `missing required field "${key}"`);
    }
    return obj;
  }

  list(value: unknown, path: FieldPath, maxLength: number, minLength = 0): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `must be a list (got ${describe(value)})`);
    if (value.length < minLength) this.fail(path, `must have at least ${minLength} item(s)`);
    if (value.length > maxLength) this.fail(path, `has ${value.length} items; at most ${maxLength} are allowed`);
    return value;
  }

  string(value: unknown, path: FieldPath): string {
    if (typeof value !== 'string' || value.length === 0) this.fail(path, `must be a non-empty string (got ${describe(value)})`);
    return value;
  }

  boolean(value: unknown, path: FieldPath): boolean {
    if (typeof value !== 'boolean') this.fail(path, `must be true or false (got ${describe(value)})`);
    return value;
  }

  number(value: unknown, path: FieldPath, min: number, max: number, integer = false): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      this.fail(path, `must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}] (got ${describe(value)})`);
    }
    if (value < min || value > max) this.fail(path, `${value} is out of range [${min}, ${max}]`);
    return value;
  }

  duration(value: unknown, path: FieldPath): number {
    const parsed = parseDuration(value);
    if ('error' in parsed) this.fail(path, parsed.error);
    return parsed.ms;
  }

  host(value: unknown, path: FieldPath): string {
    const host = this.string(value, path);
    if (!/^[A-Za-z0-9._-]+:\d{1,5}$/.test(host)) this.fail(path, `${JSON.stringify(host)} is not a "name:port" host`);
    return host;
  }

  version(value: unknown, path: FieldPath): ServerVersion {
    const text = typeof value === 'number' ? value.toFixed(1) : value;
    if (!isServerVersion(text)) {
      this.fail(path, `${describe(value)} is not a supported server version (one of ${serverVersions.join(', ')}; quote it: "8.0")`);
    }
    return text;
  }
}

/** Parses and validates scenario YAML text. `file` is used in error messages only. */
export function parseScenario(text: string, file: string): Scenario {
  let source: YamlSource;
  try {
    source = YamlSource.parse(text, file);
  } catch (error) {
    if (error instanceof YamlSyntaxError) throw new ScenarioError(file, error.line, undefined, `YAML syntax error: ${error.reason}`);
    throw error;
  }
  const r = new Reader(source, file);
  const root = r.object(
    source.value,
    [],
    ['name', 'description', 'seed', 'duration', 'topology', 'network', 'workload', 'randomFaults', 'timeline', 'budget', 'clients'],
    ['name', 'duration', 'topology'],
  );
  const name = r.string(root['name'], ['name']);
  const description = root['description'] === undefined ? undefined : r.string(root['description'], ['description']);
  const seed = root['seed'] === undefined ? defaultSeed : r.number(root['seed'], ['seed'], 0, Number.MAX_SAFE_INTEGER, true);
  const durationMs = r.duration(root['duration'], ['duration']);
  if (durationMs === 0) r.fail(['duration'], 'must be longer than 0');

  const topology = r.object(root['topology'], ['topology'], ['replicaSet', 'mongos'], ['replicaSet']);
  const replicaSet = readReplicaSet(r, topology['replicaSet'], ['topology', 'replicaSet']);
  const mongos = topology['mongos'] === undefined ? [] : readMongos(r, topology['mongos'], ['topology', 'mongos']);
  const initialMembers = new Set(replicaSet.members.map((m) => m.host));
  for (const [i, m] of mongos.entries()) {
    if (initialMembers.has(m.host)) r.fail(['topology', 'mongos', i, 'host'], `${m.host} is already a replica set member`);
  }
  const mongosHosts = new Set(mongos.map((m) => m.host));
  // Hosts a reconfig adds later are members too (timeline actions may target them once added).
  const memberHosts = new Set([...initialMembers, ...reconfigHosts(root['timeline']).filter((h) => !mongosHosts.has(h))]);
  const knownHosts = new Set([...memberHosts, ...mongos.map((m) => m.host), clientHost]);

  const network = root['network'] === undefined ? { links: [] } : readNetwork(r, root['network'], ['network'], knownHosts);
  const workload = root['workload'] === undefined ? undefined : readWorkload(r, root['workload'], ['workload'], replicaSet, mongos);
  const randomFaults = root['randomFaults'] === undefined ? undefined : readRandomFaults(r, root['randomFaults'], ['randomFaults'], durationMs);
  const timeline =
    root['timeline'] === undefined
      ? []
      : readTimeline(r, root['timeline'], ['timeline'], {
          memberHosts,
          processHosts: new Set([...memberHosts, ...mongos.map((m) => m.host)]),
          knownHosts,
          durationMs,
          replicaSet,
        });
  const budget = root['budget'] === undefined ? { events: defaultEventBudget } : readBudget(r, root['budget'], ['budget']);
  const clients = root['clients'] === undefined ? undefined : readClients(r, root['clients'], ['clients'], knownHosts, durationMs, replicaSet);
  return {
    name,
    ...(description === undefined ? {} : { description }),
    seed,
    durationMs,
    replicaSet,
    mongos,
    network,
    workload,
    randomFaults,
    timeline,
    budget,
    ...(clients === undefined ? {} : { clients }),
  };
}

/** Reads `clients:` (driver clients and their operations; see ClientSpec). */
function readClients(r: Reader, value: unknown, path: FieldPath, knownHosts: ReadonlySet<string>, durationMs: number, rs: ReplicaSetSpec): ClientSpec[] {
  const seen = new Set<string>();
  let totalOps = 0;
  return r.list(value, path, maxClients).map((item, i): ClientSpec => {
    const cp = [...path, i];
    const c = r.object(item, cp, ['host', 'retryWrites', 'retryReads', 'readPreference', 'heartbeatFrequencyMS', 'ops'], ['host']);
    const host = r.string(c['host'], [...cp, 'host']);
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(host)) r.fail([...cp, 'host'], `${JSON.stringify(host)} must be a plain client name (letters, digits, _ and -, starting with a letter)`);
    if (knownHosts.has(host) && host !== clientHost) r.fail([...cp, 'host'], `${host} is already a host of this scenario`);
    if (seen.has(host)) r.fail([...cp, 'host'], `duplicate client host ${host}`);
    seen.add(host);
    let readPreference: ClientReadPreference = 'primary';
    if (c['readPreference'] !== undefined) {
      const mode = c['readPreference'];
      if (typeof mode !== 'string' || !(clientReadPreferences as readonly string[]).includes(mode)) {
        r.fail([...cp, 'readPreference'], `${describe(mode)} is not a read preference mode (one of ${clientReadPreferences.join(', ')})`);
      }
      readPreference = mode as ClientReadPreference;
    }
    const rawOps = c['ops'] === undefined ? [] : r.list(c['ops'], [...cp, 'ops'], maxClientOps);
    totalOps += rawOps.length;
    if (totalOps > maxClientOps) r.fail([...cp, 'ops'], `the clients have more than ${maxClientOps} operations in all`);
    const ops = rawOps.map((raw, k): ClientOpSpec => {
      const op = [...cp, 'ops', k];
      const o = r.object(raw, op, ['at', 'write', 'read'], ['at']);
      const atMs = r.duration(o['at'], [...op, 'at']);
      if (atMs > durationMs) r.fail([...op, 'at'], `${atMs} ms is after the end of the run (duration ${durationMs} ms)`);
      if ((o['write'] === undefined) === (o['read'] === undefined)) r.fail(op, 'each operation needs exactly one of "write" or "read" besides "at"');
      if (o['write'] !== undefined) {
        const w = r.object(o['write'], [...op, 'write'], ['w', 'j']);
        return {
          atMs,
          kind: 'write',
          w: w['w'] === undefined ? 1 : readW(r, w['w'], [...op, 'write', 'w'], rs),
          ...(w['j'] === undefined ? {} : { j: r.boolean(w['j'], [...op, 'write', 'j']) }),
        };
      }
      const rd = r.object(o['read'], [...op, 'read'], ['readConcern']);
      if (rd['readConcern'] === undefined) return { atMs, kind: 'read' };
      const level = rd['readConcern'];
      if (typeof level !== 'string' || !(clientReadConcerns as readonly string[]).includes(level)) {
        r.fail([...op, 'read', 'readConcern'], `${describe(level)} is not a read concern level (one of ${clientReadConcerns.join(', ')})`);
      }
      return { atMs, kind: 'read', readConcern: level as ClientReadConcern };
    });
    return {
      host,
      retryWrites: c['retryWrites'] === undefined ? true : r.boolean(c['retryWrites'], [...cp, 'retryWrites']),
      retryReads: c['retryReads'] === undefined ? true : r.boolean(c['retryReads'], [...cp, 'retryReads']),
      readPreference,
      // SDAM: heartbeatFrequencyMS may not be below minHeartbeatFrequencyMS (500).
      ...(c['heartbeatFrequencyMS'] === undefined ? {} : { heartbeatFrequencyMS: r.number(c['heartbeatFrequencyMS'], [...cp, 'heartbeatFrequencyMS'], 500, 86_400_000, true) }),
      ops: ops.map((o, k) => ({ o, k })).sort((a, b) => a.o.atMs - b.o.atMs || a.k - b.k).map((x) => x.o),
    };
  });
}

function readBudget(r: Reader, value: unknown, path: FieldPath): BudgetSpec {
  const o = r.object(value, path, ['events'], ['events']);
  return { events: r.number(o['events'], [...path, 'events'], 1, maxEventBudget, true) };
}

function readRandomFaults(r: Reader, value: unknown, path: FieldPath, durationMs: number): RandomFaultsSpec {
  const o = r.object(value, path, ['every', 'until', 'kinds'], ['every']);
  const everyMs = r.duration(o['every'], [...path, 'every']);
  if (everyMs < 1000) r.fail([...path, 'every'], 'must be at least 1s');
  const untilMs = o['until'] === undefined ? durationMs : r.duration(o['until'], [...path, 'until']);
  if (untilMs > durationMs) r.fail([...path, 'until'], `is after the end of the run (duration ${durationMs} ms)`);
  // The faults are drawn up front (so they can be printed and replayed): bound how many.
  const count = Math.floor(untilMs / everyMs);
  if (count > maxRandomFaults) {
    r.fail([...path, 'every'], `draws ${count} faults before ${untilMs} ms; at most ${maxRandomFaults} are allowed (raise "every" or lower "until")`);
  }
  let kinds: RandomFaultKind[] = [...randomFaultKinds];
  if (o['kinds'] !== undefined) {
    kinds = r.list(o['kinds'], [...path, 'kinds'], randomFaultKinds.length, 1).map((k, i) => {
      if (typeof k !== 'string' || !(randomFaultKinds as readonly string[]).includes(k)) {
        r.fail([...path, 'kinds', i], `${describe(k)} is not a random fault kind (one of ${randomFaultKinds.join(', ')})`);
      }
      return k as RandomFaultKind;
    });
  }
  return { everyMs, untilMs, kinds };
}

function readMember(r: Reader, value: unknown, path: FieldPath): MemberSpec {
  const m = r.object(value, path, ['host', 'priority', 'votes', 'arbiterOnly', 'hidden', 'tags', 'secondaryDelaySecs'], ['host']);
  const host = r.host(m['host'], [...path, 'host']);
  const out: { -readonly [K in keyof MemberSpec]: MemberSpec[K] } = { host };
  if (m['priority'] !== undefined) out.priority = r.number(m['priority'], [...path, 'priority'], 0, 1000);
  if (m['votes'] !== undefined) out.votes = r.number(m['votes'], [...path, 'votes'], 0, 1, true);
  if (m['arbiterOnly'] !== undefined) out.arbiterOnly = r.boolean(m['arbiterOnly'], [...path, 'arbiterOnly']);
  if (m['hidden'] !== undefined) out.hidden = r.boolean(m['hidden'], [...path, 'hidden']);
  if (m['secondaryDelaySecs'] !== undefined) {
    out.secondaryDelaySecs = r.number(m['secondaryDelaySecs'], [...path, 'secondaryDelaySecs'], 0, maxSecs, true);
  }
  if (m['tags'] !== undefined) {
    const tagsPath = [...path, 'tags'];
    const raw = m['tags'];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) r.fail(tagsPath, `must be a mapping of tag names to strings (got ${describe(raw)})`);
    // fromEntries defines own properties: a "__proto__" tag stays a tag instead of being dropped.
    out.tags = Object.fromEntries(Object.entries(raw as Obj).map(([k, v]) => [k, r.string(v, [...tagsPath, k])]));
  }
  // Server rules a scenario author should hear about here rather than as a failed replSetInitiate.
  // The priority may be the default (1 for a data member), which mongod refuses just the same.
  const priority = out.priority ?? (out.arbiterOnly === true ? 0 : defaultMemberPriority);
  const priorityField = out.priority === undefined ? undefined : 'priority';
  if (out.hidden === true && priority > 0) {
    r.fail([...path, priorityField ?? 'hidden'], `a hidden member must have priority 0${out.priority === undefined ? ` (the default priority is ${defaultMemberPriority})` : ''}`);
  }
  if ((out.secondaryDelaySecs ?? 0) > 0 && priority > 0) {
    r.fail([...path, priorityField ?? 'secondaryDelaySecs'], `a member with secondaryDelaySecs must have priority 0${out.priority === undefined ? ` (the default priority is ${defaultMemberPriority})` : ''}`);
  }
  if (out.arbiterOnly === true && (out.hidden === true || (out.secondaryDelaySecs ?? 0) > 0)) {
    r.fail([...path, 'arbiterOnly'], 'an arbiter cannot be hidden or delayed');
  }
  return out;
}

function readMembers(r: Reader, value: unknown, path: FieldPath): MemberSpec[] {
  const list = r.list(value, path, maxMembers, 1);
  const members = list.map((item, i) => readMember(r, item, [...path, i]));
  const seen = new Set<string>();
  for (const [i, m] of members.entries()) {
    if (seen.has(m.host)) r.fail([...path, i, 'host'], `duplicate member host ${m.host}`);
    seen.add(m.host);
  }
  if (!members.some((m) => m.arbiterOnly !== true && (m.priority ?? 1) > 0)) {
    r.fail(path, 'at least one member must be electable (not an arbiter, priority > 0)');
  }
  checkWithServerRules(r, members, path);
  return members;
}

/**
 * Validates the member list exactly as mongod validates a replSetInitiate / replSetReconfig
 * config (at most 7 voting members, non-voting members need priority 0, ...): a config the
 * server refuses would leave the set uninitiated for the whole run, so it is a scenario error.
 */
function checkWithServerRules(r: Reader, members: readonly MemberSpec[], path: FieldPath): void {
  try {
    parseReplSetConfig({ _id: 'scenario', members: members.map((m, i) => ({ _id: i, ...m })) });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    // The server names a member as `members[i].field`; point at that member's line when it does.
    const named = /members\[(\d+)\](?:\.(\w+))?/.exec(error.message);
    const index = named === null ? undefined : Number(named[1]);
    const field = named?.[2];
    const memberPath: FieldPath =
      index === undefined ? path : field !== undefined && (members[index] as Record<string, unknown> | undefined)?.[field] !== undefined ? [...path, index, field] : [...path, index];
    r.fail(memberPath, `${error.message} (mongod refuses this config: ${codeNameOf(error.code)}, code ${error.code})`);
  }
}

function readReplicaSet(r: Reader, value: unknown, path: FieldPath): ReplicaSetSpec {
  const rs = r.object(value, path, ['name', 'version', 'members', 'initiate', 'settings'], ['members']);
  const name = rs['name'] === undefined ? defaultReplicaSetName : r.string(rs['name'], [...path, 'name']);
  const version = rs['version'] === undefined ? defaultServerVersion : r.version(rs['version'], [...path, 'version']);
  const members = readMembers(r, rs['members'], [...path, 'members']);
  const initiate = rs['initiate'] === undefined ? true : r.boolean(rs['initiate'], [...path, 'initiate']);
  const settings: { electionTimeoutMillis?: number; heartbeatIntervalMillis?: number; catchUpTimeoutMillis?: number } = {};
  if (rs['settings'] !== undefined) {
    const sp = [...path, 'settings'];
    const s = r.object(rs['settings'], sp, ['electionTimeoutMillis', 'heartbeatIntervalMillis', 'catchUpTimeoutMillis']);
    if (s['electionTimeoutMillis'] !== undefined) {
      settings.electionTimeoutMillis = r.number(s['electionTimeoutMillis'], [...sp, 'electionTimeoutMillis'], 1, 86_400_000, true);
    }
    if (s['heartbeatIntervalMillis'] !== undefined) {
      settings.heartbeatIntervalMillis = r.number(s['heartbeatIntervalMillis'], [...sp, 'heartbeatIntervalMillis'], 1, 86_400_000, true);
    }
    if (s['catchUpTimeoutMillis'] !== undefined) {
      settings.catchUpTimeoutMillis = r.number(s['catchUpTimeoutMillis'], [...sp, 'catchUpTimeoutMillis'], -1, 86_400_000, true);
    }
  }
  return { name, version, members, initiate, settings };
}

function readMongos(r: Reader, value: unknown, path: FieldPath): MongosSpec[] {
  return r.list(value, path, maxMembers).map((item, i) => {
    const m = r.object(item, [...path, i], ['host', 'version'], ['host']);
    return {
      host: r.host(m['host'], [...path, i, 'host']),
      version: m['version'] === undefined ? defaultServerVersion : r.version(m['version'], [...path, i, 'version']),
    };
  });
}

/** `latency: 5` (constant ms) or `latency: {kind: uniform, minMs: 1, maxMs: 9}` etc. */
function readLatency(r: Reader, value: unknown, path: FieldPath): LatencyDistribution {
  if (typeof value === 'number') {
    return { kind: 'constant', ms: r.number(value, path, 0, 86_400_000) };
  }
  const kinds: Record<string, readonly string[]> = {
    constant: ['ms'],
    uniform: ['minMs', 'maxMs'],
    normal: ['meanMs', 'stddevMs'],
    exponential: ['meanMs'],
  };
  const head = r.object(value, path, ['kind', 'ms', 'minMs', 'maxMs', 'meanMs', 'stddevMs'], ['kind']);
  const kind = head['kind'];
  if (typeof kind !== 'string' || !(kind in kinds)) {
    r.fail([...path, 'kind'], `${describe(kind)} is not a latency distribution (one of ${Object.keys(kinds).join(', ')})`);
  }
  const fields = kinds[kind] as readonly string[];
  const obj = r.object(value, path, ['kind', ...fields], ['kind', ...fields]);
  const ms = (field: string): number => r.number(obj[field], [...path, field], 0, 86_400_000);
  let latency: LatencyDistribution;
  switch (kind) {
    case 'constant':
      latency = { kind, ms: ms('ms') };
      break;
    case 'uniform':
      latency = { kind, minMs: ms('minMs'), maxMs: ms('maxMs') };
      if (latency.maxMs < latency.minMs) r.fail([...path, 'maxMs'], `must be >= minMs (${latency.minMs})`);
      break;
    case 'normal':
      latency = { kind, meanMs: ms('meanMs'), stddevMs: ms('stddevMs') };
      break;
    default:
      latency = { kind: 'exponential', meanMs: ms('meanMs') };
  }
  return latency;
}

function readLinkFields(r: Reader, obj: Obj, path: FieldPath): { latency?: LatencyDistribution; jitterMs?: number; dropRate?: number } {
  const out: { latency?: LatencyDistribution; jitterMs?: number; dropRate?: number } = {};
  if (obj['latency'] !== undefined) out.latency = readLatency(r, obj['latency'], [...path, 'latency']);
  if (obj['jitterMs'] !== undefined) out.jitterMs = r.number(obj['jitterMs'], [...path, 'jitterMs'], 0, 86_400_000, true);
  if (obj['dropRate'] !== undefined) out.dropRate = r.number(obj['dropRate'], [...path, 'dropRate'], 0, 1);
  // The network validates the combination too; a failure here would be a bug in this reader.
  validateLinkSettings({ ...defaultLinkSettings, ...out }, formatPath(path));
  return out;
}

function readNetwork(r: Reader, value: unknown, path: FieldPath, knownHosts: ReadonlySet<string>): NetworkSpec {
  const n = r.object(value, path, ['latency', 'jitterMs', 'dropRate', 'links']);
  const base = readLinkFields(r, n, path);
  const links: LinkSpec[] =
    n['links'] === undefined
      ? []
      : r.list(n['links'], [...path, 'links'], 10_000).map((item, i) => {
          const lp = [...path, 'links', i];
          const l = r.object(item, lp, ['from', 'to', 'oneWay', 'latency', 'jitterMs', 'dropRate'], ['from', 'to']);
          const from = knownHost(r, l['from'], [...lp, 'from'], knownHosts, false);
          const to = knownHost(r, l['to'], [...lp, 'to'], knownHosts, false);
          if (from === to) r.fail([...lp, 'to'], 'a link joins two different hosts');
          const oneWay = l['oneWay'] === undefined ? false : r.boolean(l['oneWay'], [...lp, 'oneWay']);
          return { from, to, oneWay, ...readLinkFields(r, l, lp) };
        });
  return { ...base, links };
}

function readW(r: Reader, value: unknown, path: FieldPath, rs: ReplicaSetSpec): WriteConcernW {
  if (value === 'majority') return 'majority';
  if (typeof value === 'number') return r.number(value, path, 0, rs.members.length, true);
  return r.fail(path, `must be a number of members (0..${rs.members.length}) or "majority" (got ${describe(value)})`);
}

function readWorkload(r: Reader, value: unknown, path: FieldPath, rs: ReplicaSetSpec, routers: readonly MongosSpec[]): WorkloadSpec {
  const w = r.object(value, path, ['writesPerSecond', 'w', 'j', 'via'], ['writesPerSecond']);
  const via =
    w['via'] === undefined
      ? undefined
      : knownHost(r, w['via'], [...path, 'via'], new Set(routers.map((m) => m.host)), false);
  return {
    writesPerSecond: r.number(w['writesPerSecond'], [...path, 'writesPerSecond'], 0, maxWritesPerSecond),
    w: w['w'] === undefined ? 1 : readW(r, w['w'], [...path, 'w'], rs),
    ...(w['j'] === undefined ? {} : { j: r.boolean(w['j'], [...path, 'j']) }),
    ...(via === undefined ? {} : { via }),
  };
}

function knownHost(r: Reader, value: unknown, path: FieldPath, hosts: ReadonlySet<string>, allowPrimary: boolean): string {
  if (allowPrimary && value === primaryKeyword) return primaryKeyword;
  const host = value === clientHost ? clientHost : r.host(value, path);
  if (!hosts.has(host)) {
    r.fail(path, `${JSON.stringify(host)} is not a host of this scenario (${[...hosts].join(', ')}${allowPrimary ? ', or "primary"' : ''})`);
  }
  return host;
}

function hostList(r: Reader, value: unknown, path: FieldPath, hosts: ReadonlySet<string>): string[] {
  const list = r.list(value, path, 1000, 1).map((h, i) => knownHost(r, h, [...path, i], hosts, true));
  for (const [i, h] of list.entries()) if (list.indexOf(h) !== i) r.fail([...path, i], `${h} is listed twice`);
  return list;
}

interface TimelineContext {
  readonly memberHosts: ReadonlySet<string>;
  /** Members and mongos routers: the hosts that are processes. */
  readonly processHosts: ReadonlySet<string>;
  readonly knownHosts: ReadonlySet<string>;
  readonly durationMs: number;
  readonly replicaSet: ReplicaSetSpec;
}

export const timelineActions = [
  'crash',
  'restart',
  'partition',
  'partitionOneWay',
  'isolate',
  'heal',
  'stepDown',
  'freeze',
  'reconfig',
  'clog',
  'setLatency',
  'resetConnections',
  'write',
  'recover',
] as const;

function readTimeline(r: Reader, value: unknown, path: FieldPath, ctx: TimelineContext): TimelineEntry[] {
  const entries = r.list(value, path, maxTimelineEntries).map((item, i): TimelineEntry => {
    const ep = [...path, i];
    const e = r.object(item, ep, ['at', ...timelineActions], ['at']);
    const atMs = r.duration(e['at'], [...ep, 'at']);
    if (atMs > ctx.durationMs) r.fail([...ep, 'at'], `${atMs} ms is after the end of the run (duration ${ctx.durationMs} ms)`);
    const actionKeys = Object.keys(e).filter((k) => k !== 'at');
    if (actionKeys.length !== 1) {
      r.fail(ep, `each timeline entry needs exactly one action besides "at" (one of ${timelineActions.join(', ')}); found ${actionKeys.length === 0 ? 'none' : actionKeys.join(', ')}`);
    }
    const kind = actionKeys[0] as (typeof timelineActions)[number];
    const action = readAction(r, kind, e[kind], [...ep, kind], ctx);
    return { atMs, action, line: r.source.lineOf(ep, 'value') };
  });
  // Stable sort: same-time entries keep file order.
  return entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.atMs - b.e.atMs || a.i - b.i).map((x) => x.e);
}

function readAction(r: Reader, kind: (typeof timelineActions)[number], value: unknown, path: FieldPath, ctx: TimelineContext): ScenarioAction {
  const member = (v: unknown, p: FieldPath, allowPrimary = true): string => knownHost(r, v, p, ctx.memberHosts, allowPrimary);
  const any = (v: unknown, p: FieldPath): string => knownHost(r, v, p, ctx.knownHosts, true);
  switch (kind) {
    case 'crash':
    case 'restart':
      // Members and mongos routers can crash and restart.
      return { kind, host: knownHost(r, value, path, ctx.processHosts, kind === 'crash') };
    case 'isolate':
      return { kind, host: any(value, path) };
    case 'heal':
      if (value !== true) r.fail(path, 'write "heal: true"');
      return { kind };
    case 'recover':
      if (value !== true) r.fail(path, 'write "recover: true"');
      return { kind };
    case 'partition': {
      const sides = r.list(value, path, 2, 2);
      const a = hostList(r, sides[0], [...path, 0], ctx.knownHosts);
      const b = hostList(r, sides[1], [...path, 1], ctx.knownHosts);
      for (const [i, h] of b.entries()) if (a.includes(h)) r.fail([...path, 1, i], `${h} is on both sides of the partition`);
      return { kind, sides: [a, b] };
    }
    case 'partitionOneWay': {
      const o = r.object(value, path, ['from', 'to'], ['from', 'to']);
      const from = hostList(r, o['from'], [...path, 'from'], ctx.knownHosts);
      const to = hostList(r, o['to'], [...path, 'to'], ctx.knownHosts);
      for (const [i, h] of to.entries()) if (from.includes(h)) r.fail([...path, 'to', i], `${h} is on both sides of the partition`);
      return { kind, from, to };
    }
    case 'stepDown': {
      if (typeof value === 'string') {
        return { kind, host: member(value, path), secs: defaultStepDownSecs, secondaryCatchUpPeriodSecs: defaultSecondaryCatchUpPeriodSecs };
      }
      const o = r.object(value, path, ['host', 'secs', 'secondaryCatchUpPeriodSecs'], ['host']);
      const secs = o['secs'] === undefined ? defaultStepDownSecs : r.number(o['secs'], [...path, 'secs'], 1, maxSecs, true);
      const catchUp =
        o['secondaryCatchUpPeriodSecs'] === undefined
          ? Math.min(defaultSecondaryCatchUpPeriodSecs, secs)
          : r.number(o['secondaryCatchUpPeriodSecs'], [...path, 'secondaryCatchUpPeriodSecs'], 0, maxSecs, true);
      // replSetStepDown: "secondaryCatchUpPeriodSecs ... must be less than stepDownSecs".
      if (catchUp > secs) r.fail([...path, 'secondaryCatchUpPeriodSecs'], `must not exceed secs (${secs})`);
      return { kind, host: member(o['host'], [...path, 'host']), secs, secondaryCatchUpPeriodSecs: catchUp };
    }
    case 'freeze': {
      const o = r.object(value, path, ['host', 'secs'], ['host', 'secs']);
      return { kind, host: member(o['host'], [...path, 'host'], false), secs: r.number(o['secs'], [...path, 'secs'], 0, maxSecs, true) };
    }
    case 'reconfig': {
      const o = r.object(value, path, ['members'], ['members']);
      const members = readMembers(r, o['members'], [...path, 'members']);
      for (const [i, m] of members.entries()) {
        if (ctx.processHosts.has(m.host) && !ctx.memberHosts.has(m.host)) {
          r.fail([...path, 'members', i, 'host'], `${m.host} is a mongos, not a replica set member`);
        }
      }
      return { kind, members };
    }
    case 'clog': {
      const o = r.object(value, path, ['from', 'to', 'for', 'oneWay'], ['from', 'to', 'for']);
      const from = knownHost(r, o['from'], [...path, 'from'], ctx.knownHosts, true);
      const to = knownHost(r, o['to'], [...path, 'to'], ctx.knownHosts, true);
      if (from === to) r.fail([...path, 'to'], 'a clog joins two different hosts');
      return {
        kind,
        from,
        to,
        durationMs: r.duration(o['for'], [...path, 'for']),
        oneWay: o['oneWay'] === undefined ? false : r.boolean(o['oneWay'], [...path, 'oneWay']),
      };
    }
    case 'setLatency': {
      const o = r.object(value, path, ['from', 'to', 'oneWay', 'latency', 'jitterMs', 'dropRate']);
      if ((o['from'] === undefined) !== (o['to'] === undefined)) {
        r.fail([...path, o['from'] === undefined ? 'from' : 'to'], 'give both "from" and "to" (one link) or neither (every link)');
      }
      if (o['latency'] === undefined && o['jitterMs'] === undefined && o['dropRate'] === undefined) {
        r.fail(path, 'give at least one of latency, jitterMs, dropRate');
      }
      const from = o['from'] === undefined ? undefined : knownHost(r, o['from'], [...path, 'from'], ctx.knownHosts, false);
      const to = o['to'] === undefined ? undefined : knownHost(r, o['to'], [...path, 'to'], ctx.knownHosts, false);
      return {
        kind,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        oneWay: o['oneWay'] === undefined ? false : r.boolean(o['oneWay'], [...path, 'oneWay']),
        ...readLinkFields(r, o, path),
      };
    }
    case 'resetConnections': {
      if (typeof value === 'string') return { kind, host: any(value, path) };
      const o = r.object(value, path, ['host', 'peer'], ['host']);
      const host = any(o['host'], [...path, 'host']);
      return o['peer'] === undefined ? { kind, host } : { kind, host, peer: any(o['peer'], [...path, 'peer']) };
    }
    case 'write': {
      const o = r.object(value, path, ['count', 'w', 'j'], []);
      return {
        kind,
        count: o['count'] === undefined ? 1 : r.number(o['count'], [...path, 'count'], 1, 100_000, true),
        w: o['w'] === undefined ? 1 : readW(r, o['w'], [...path, 'w'], ctx.replicaSet),
        ...(o['j'] === undefined ? {} : { j: r.boolean(o['j'], [...path, 'j']) }),
      };
    }
  }
}

/** Member hosts named in the raw timeline's reconfig actions (validated properly later). */
function reconfigHosts(timeline: unknown): string[] {
  const hosts: string[] = [];
  if (!Array.isArray(timeline)) return hosts;
  for (const entry of timeline) {
    const members = (entry as { reconfig?: { members?: unknown } } | null)?.reconfig?.members;
    if (!Array.isArray(members)) continue;
    for (const m of members) {
      const host = (m as { host?: unknown } | null)?.host;
      if (typeof host === 'string' && /^[A-Za-z0-9._-]+:\d{1,5}$/.test(host)) hosts.push(host);
    }
  }
  return hosts;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}
