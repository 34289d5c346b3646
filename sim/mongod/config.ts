/**
 * Replica set configuration documents (`replSetInitiate` / `replSetReconfig`), validated with
 * the server's rules and filled with its defaults (MongoDB manual, "Replica Set Configuration").
 */
import { CommandError, ErrorCodes } from './errors.js';
import type { Doc } from './query.js';
import { isPlainObject } from './values.js';

/** Server defaults (settings.*) in ms. */
export const defaultElectionTimeoutMillis = 10_000;
export const defaultHeartbeatIntervalMillis = 2_000;
export const defaultHeartbeatTimeoutSecs = 10;
/** -1 means "no limit" in the server; the simulator caps catch-up at `catchUpCapMs`. */
export const defaultCatchUpTimeoutMillis = -1;
export const maxVotingMembers = 7;
export const maxMembers = 50;
export const maxPriority = 1000;

export interface MemberConfig {
  readonly _id: number;
  readonly host: string;
  readonly priority: number;
  readonly votes: number;
  readonly arbiterOnly: boolean;
  readonly hidden: boolean;
  readonly tags: Readonly<Record<string, string>>;
  readonly secondaryDelaySecs: number;
  readonly buildIndexes: boolean;
}

export interface ReplSetConfig {
  readonly _id: string;
  readonly version: number;
  readonly term: number;
  readonly members: readonly MemberConfig[];
  readonly settings: {
    readonly electionTimeoutMillis: number;
    readonly heartbeatIntervalMillis: number;
    readonly heartbeatTimeoutSecs: number;
    readonly catchUpTimeoutMillis: number;
    readonly chainingAllowed: boolean;
  };
}

function bad(message: string): never {
  throw new CommandError(ErrorCodes.InvalidReplicaSetConfig, message);
}

function num(doc: Doc, field: string, fallback: number, where: string): number {
  const v = doc[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${where}.${field} field value of ${JSON.stringify(v)} is not a number`);
  return v;
}

function bool(doc: Doc, field: string, fallback: boolean, where: string): boolean {
  const v = doc[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') bad(`${where}.${field} field value must be a boolean`);
  return v;
}

function parseMember(raw: unknown, index: number): MemberConfig {
  const where = `members[${index}]`;
  if (!isPlainObject(raw)) bad(`${where} is not an object`);
  const known = new Set(['_id', 'host', 'priority', 'votes', 'arbiterOnly', 'hidden', 'tags', 'secondaryDelaySecs', 'slaveDelay', 'buildIndexes']);
  for (const key of Object.keys(raw)) if (!known.has(key)) bad(`Unexpected field ${key} in replica set member configuration`);
  const id = raw['_id'];
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 255) bad(`${where}._id field value must be an integer between 0 and 255`);
  const host = raw['host'];
  if (typeof host !== 'string' || !/^[^:\s]+:\d+$/.test(host)) bad(`${where}.host must be a "host:port" string`);
  const arbiterOnly = bool(raw, 'arbiterOnly', false, where);
  const hidden = bool(raw, 'hidden', false, where);
  const votes = num(raw, 'votes', 1, where);
  const priority = num(raw, 'priority', arbiterOnly ? 0 : 1, where);
  const secondaryDelaySecs = num(raw, 'secondaryDelaySecs', num(raw, 'slaveDelay', 0, where), where);
  const tagsRaw = raw['tags'] ?? {};
  if (!isPlainObject(tagsRaw)) bad(`${where}.tags must be an object`);
  const tagEntries = Object.entries(tagsRaw);
  for (const [k, v] of tagEntries) {
    if (typeof v !== 'string') bad(`${where}.tags.${k} field has non-string value of type ${typeof v}`);
  }
  // fromEntries defines own properties: a "__proto__" tag stays a tag instead of being dropped.
  const tags = Object.fromEntries(tagEntries) as Record<string, string>;
  if (votes !== 0 && votes !== 1) bad(`${where}.votes field value is ${votes} but must be 0 or 1`);
  if (priority < 0 || priority > maxPriority) bad(`${where}.priority field value of ${priority} is out of range`);
  if (arbiterOnly && priority !== 0) bad(`${where}.priority field value of ${priority} is out of range; arbiters must have priority 0`);
  if (arbiterOnly && votes !== 1) bad(`${where} arbiter must vote (cannot have 0 votes)`);
  if (hidden && priority !== 0) bad(`${where}.priority must be 0 when hidden=true`);
  if (secondaryDelaySecs > 0 && priority !== 0) bad(`${where}.priority must be 0 when secondaryDelaySecs is used`);
  if (votes === 0 && priority !== 0) bad(`${where}.priority must be 0 when non-voting (votes:0)`);
  if (secondaryDelaySecs < 0) bad(`${where}.secondaryDelaySecs field value of ${secondaryDelaySecs} seconds is out of range`);
  return { _id: id, host, priority, votes, arbiterOnly, hidden, tags, secondaryDelaySecs, buildIndexes: bool(raw, 'buildIndexes', true, where) };
}

/** Parses and validates a config document; throws CommandError(InvalidReplicaSetConfig) naming the bad field. */
export function parseReplSetConfig(raw: unknown, defaults: { version?: number; term?: number } = {}): ReplSetConfig {
  if (!isPlainObject(raw)) bad('replica set configuration must be an object');
  const setName = raw['_id'];
  if (typeof setName !== 'string' || setName.length === 0) bad('_id field (the replica set name) must be a non-empty string');
  const version = num(raw, 'version', defaults.version ?? 1, 'config');
  if (!Number.isInteger(version) || version < 1) bad(`version field value of ${version} is out of range`);
  const term = num(raw, 'term', defaults.term ?? 0, 'config');
  const membersRaw = raw['members'];
  if (!Array.isArray(membersRaw) || membersRaw.length === 0) bad('members field must be a non-empty array');
  if (membersRaw.length > maxMembers) bad(`Replica set configuration contains ${membersRaw.length} members, but must have at most ${maxMembers}`);
  const members = membersRaw.map(parseMember);
  const ids = new Set<number>();
  const hosts = new Set<string>();
  for (const m of members) {
    if (ids.has(m._id)) bad(`Found two member configurations with same _id field, members._id == ${m._id}`);
    if (hosts.has(m.host)) bad(`Found two member configurations with same host field, members.host == ${m.host}`);
    ids.add(m._id);
    hosts.add(m.host);
  }
  const voters = members.filter((m) => m.votes > 0).length;
  if (voters > maxVotingMembers) bad(`Replica set configuration contains ${voters} voting members, but must be at least 1 and no more than ${maxVotingMembers}`);
  if (voters === 0) bad('Replica set configuration must contain at least one voting member');
  if (!members.some((m) => m.priority > 0 && !m.arbiterOnly)) bad('This config has no electable members');
  const settingsRaw = raw['settings'] ?? {};
  if (!isPlainObject(settingsRaw)) bad('settings field must be an object');
  const settings = {
    electionTimeoutMillis: num(settingsRaw, 'electionTimeoutMillis', defaultElectionTimeoutMillis, 'settings'),
    heartbeatIntervalMillis: num(settingsRaw, 'heartbeatIntervalMillis', defaultHeartbeatIntervalMillis, 'settings'),
    heartbeatTimeoutSecs: num(settingsRaw, 'heartbeatTimeoutSecs', defaultHeartbeatTimeoutSecs, 'settings'),
    catchUpTimeoutMillis: num(settingsRaw, 'catchUpTimeoutMillis', defaultCatchUpTimeoutMillis, 'settings'),
    chainingAllowed: bool(settingsRaw, 'chainingAllowed', true, 'settings'),
  };
  if (settings.electionTimeoutMillis <= 0) bad('settings.electionTimeoutMillis must be positive');
  if (settings.heartbeatIntervalMillis <= 0) bad('settings.heartbeatIntervalMillis must be positive');
  return { _id: setName, version, term, members, settings };
}

/** The config as the server shows it (replSetGetConfig / replSetGetStatus). */
export function configDocument(config: ReplSetConfig): Doc {
  return {
    _id: config._id,
    version: config.version,
    term: config.term,
    members: config.members.map((m) => ({
      _id: m._id, host: m.host, arbiterOnly: m.arbiterOnly, buildIndexes: m.buildIndexes, hidden: m.hidden,
      priority: m.priority, tags: { ...m.tags }, secondaryDelaySecs: m.secondaryDelaySecs, votes: m.votes,
    })),
    settings: { ...config.settings },
  };
}

export function votingMembers(config: ReplSetConfig): MemberConfig[] {
  return config.members.filter((m) => m.votes > 0);
}

/** Votes needed to win an election: a strict majority of the voting members. */
export function majorityVoteCount(config: ReplSetConfig): number {
  // Counted in a loop, not via votingMembers(): this runs on every commit-point update and liveness check.
  let voters = 0;
  for (const m of config.members) if (m.votes > 0) voters++;
  return Math.floor(voters / 2) + 1;
}

/**
 * How many voting data-bearing members must have a write for it to be majority-committed: the
 * vote majority, capped by the number of voting data-bearing members (arbiters hold no data).
 */
export function writeMajorityCount(config: ReplSetConfig): number {
  let dataVoters = 0;
  for (const m of config.members) if (m.votes > 0 && !m.arbiterOnly) dataVoters++;
  return Math.min(majorityVoteCount(config), dataVoters);
}
