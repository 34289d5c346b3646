/**
 * The shape of a unified test file (unified-test-format.md "Test Format", schema 1.x), checked
 * as it is read: every required field, every field's type, and unknown top-level fields. A bad
 * file gets a UnifiedSchemaError naming the path of the bad part (`tests[3].operations[1].name:
 * must be a string`). Values keep Extended JSON decoded in relaxed form (numbers stay numbers).
 */
import { EJSON } from 'bson';

export class UnifiedSchemaError extends Error {
  override readonly name = 'UnifiedSchemaError';
}

export type Doc = Record<string, unknown>;

export interface RunOnRequirement {
  readonly minServerVersion?: string;
  readonly maxServerVersion?: string;
  readonly topologies?: readonly string[];
  readonly serverless?: string;
  readonly serverParameters?: Doc;
  readonly auth?: boolean;
  readonly authMechanism?: string;
  readonly csfle?: unknown;
}

export interface Operation {
  readonly name: string;
  readonly object: string;
  readonly arguments: Doc;
  readonly expectError?: Doc;
  readonly expectResult?: unknown;
  readonly hasExpectResult: boolean;
  readonly saveResultAsEntity?: string;
  readonly ignoreResultAndError: boolean;
}

export interface ExpectedEventsForClient {
  readonly client: string;
  readonly eventType: 'command' | 'cmap' | 'sdam';
  readonly events: readonly Doc[];
  readonly ignoreExtraEvents: boolean;
}

export interface CollectionData {
  readonly collectionName: string;
  readonly databaseName: string;
  readonly createOptions?: Doc;
  readonly documents: readonly Doc[];
}

export interface UnifiedTest {
  readonly description: string;
  readonly runOnRequirements?: readonly RunOnRequirement[];
  readonly skipReason?: string;
  readonly operations: readonly Operation[];
  readonly expectEvents?: readonly ExpectedEventsForClient[];
  readonly expectLogMessages?: readonly Doc[];
  readonly outcome?: readonly CollectionData[];
}

export interface UnifiedFile {
  readonly description: string;
  readonly schemaVersion: string;
  readonly runOnRequirements?: readonly RunOnRequirement[];
  readonly createEntities: readonly Doc[];
  readonly initialData?: readonly CollectionData[];
  readonly tests: readonly UnifiedTest[];
}

/** The newest schema version this runner reads (1.x up to this minor). */
export const supportedSchemaMajor = 1;
export const supportedSchemaMinor = 27;

const topLevelKeys = new Set(['description', 'schemaVersion', 'runOnRequirements', 'createEntities', 'initialData', 'tests', '_yamlAnchors']);
const testKeys = new Set(['description', 'runOnRequirements', 'skipReason', 'operations', 'expectEvents', 'expectLogMessages', 'outcome']);
const operationKeys = new Set(['name', 'object', 'arguments', 'expectError', 'expectResult', 'saveResultAsEntity', 'ignoreResultAndError']);
const requirementKeys = new Set(['minServerVersion', 'maxServerVersion', 'topologies', 'serverless', 'serverParameters', 'auth', 'authMechanism', 'csfle']);
const knownTopologies = new Set(['single', 'replicaset', 'sharded', 'sharded-replicaset', 'load-balanced']);

function isDoc(value: unknown): value is Doc {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function fail(path: string, message: string): never {
  throw new UnifiedSchemaError(`${path}: ${message}`);
}

function doc(value: unknown, path: string): Doc {
  if (!isDoc(value)) fail(path, `must be an object, got ${describe(value)}`);
  return value;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, `must be a string, got ${describe(value)}`);
  return value;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `must be an array, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function onlyKeys(value: Doc, allowed: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(value)) if (!allowed.has(key)) fail(path, `unknown field '${key}'`);
}

function versionString(value: unknown, path: string): string {
  const s = str(value, path);
  if (!/^\d+(\.\d+){0,2}$/.test(s)) fail(path, `must be a version like "4.2" or "4.0.10", got ${JSON.stringify(s)}`);
  return s;
}

function parseRequirements(value: unknown, path: string): RunOnRequirement[] {
  return list(value, path).map((raw, i) => {
    const p = `${path}[${i}]`;
    const r = doc(raw, p);
    onlyKeys(r, requirementKeys, p);
    const out: { -readonly [K in keyof RunOnRequirement]: RunOnRequirement[K] } = {};
    if (r['minServerVersion'] !== undefined) out.minServerVersion = versionString(r['minServerVersion'], `${p}.minServerVersion`);
    if (r['maxServerVersion'] !== undefined) out.maxServerVersion = versionString(r['maxServerVersion'], `${p}.maxServerVersion`);
    if (r['topologies'] !== undefined) {
      out.topologies = list(r['topologies'], `${p}.topologies`).map((t, j) => {
        const name = str(t, `${p}.topologies[${j}]`);
        if (!knownTopologies.has(name)) fail(`${p}.topologies[${j}]`, `unknown topology ${JSON.stringify(name)}`);
        return name;
      });
    }
    if (r['serverless'] !== undefined) {
      const s = str(r['serverless'], `${p}.serverless`);
      if (!['require', 'forbid', 'allow'].includes(s)) fail(`${p}.serverless`, `must be require, forbid or allow, got ${JSON.stringify(s)}`);
      out.serverless = s;
    }
    if (r['serverParameters'] !== undefined) out.serverParameters = doc(r['serverParameters'], `${p}.serverParameters`);
    if (r['auth'] !== undefined) {
      if (typeof r['auth'] !== 'boolean') fail(`${p}.auth`, `must be a boolean, got ${describe(r['auth'])}`);
      out.auth = r['auth'];
    }
    if (r['authMechanism'] !== undefined) out.authMechanism = str(r['authMechanism'], `${p}.authMechanism`);
    if (r['csfle'] !== undefined) out.csfle = r['csfle'];
    return out;
  });
}

function parseCollectionData(value: unknown, path: string): CollectionData[] {
  return list(value, path).map((raw, i) => {
    const p = `${path}[${i}]`;
    const d = doc(raw, p);
    onlyKeys(d, new Set(['collectionName', 'databaseName', 'createOptions', 'documents']), p);
    return {
      collectionName: str(d['collectionName'], `${p}.collectionName`),
      databaseName: str(d['databaseName'], `${p}.databaseName`),
      ...(d['createOptions'] !== undefined ? { createOptions: doc(d['createOptions'], `${p}.createOptions`) } : {}),
      documents: list(d['documents'], `${p}.documents`).map((x, j) => doc(x, `${p}.documents[${j}]`)),
    };
  });
}

export function parseOperation(raw: unknown, path: string): Operation {
  const o = doc(raw, path);
  onlyKeys(o, operationKeys, path);
  const ignore = o['ignoreResultAndError'];
  if (ignore !== undefined && typeof ignore !== 'boolean') fail(`${path}.ignoreResultAndError`, `must be a boolean, got ${describe(ignore)}`);
  if (o['expectError'] !== undefined && o['expectResult'] !== undefined) fail(path, 'expectError and expectResult are mutually exclusive');
  return {
    name: str(o['name'], `${path}.name`),
    object: str(o['object'], `${path}.object`),
    arguments: o['arguments'] === undefined ? {} : doc(o['arguments'], `${path}.arguments`),
    ...(o['expectError'] !== undefined ? { expectError: doc(o['expectError'], `${path}.expectError`) } : {}),
    hasExpectResult: Object.prototype.hasOwnProperty.call(o, 'expectResult'),
    ...(o['expectResult'] !== undefined ? { expectResult: o['expectResult'] } : {}),
    ...(o['saveResultAsEntity'] !== undefined ? { saveResultAsEntity: str(o['saveResultAsEntity'], `${path}.saveResultAsEntity`) } : {}),
    ignoreResultAndError: ignore === true,
  };
}

function parseExpectEvents(value: unknown, path: string): ExpectedEventsForClient[] {
  return list(value, path).map((raw, i) => {
    const p = `${path}[${i}]`;
    const d = doc(raw, p);
    onlyKeys(d, new Set(['client', 'eventType', 'events', 'ignoreExtraEvents']), p);
    const eventType = d['eventType'] === undefined ? 'command' : str(d['eventType'], `${p}.eventType`);
    if (eventType !== 'command' && eventType !== 'cmap' && eventType !== 'sdam') fail(`${p}.eventType`, `must be command, cmap or sdam, got ${JSON.stringify(eventType)}`);
    const ignoreExtra = d['ignoreExtraEvents'];
    if (ignoreExtra !== undefined && typeof ignoreExtra !== 'boolean') fail(`${p}.ignoreExtraEvents`, `must be a boolean, got ${describe(ignoreExtra)}`);
    const events = list(d['events'], `${p}.events`).map((e, j) => {
      const ev = doc(e, `${p}.events[${j}]`);
      if (Object.keys(ev).length !== 1) fail(`${p}.events[${j}]`, `must have exactly one key (the event type), got ${JSON.stringify(Object.keys(ev))}`);
      return ev;
    });
    return { client: str(d['client'], `${p}.client`), eventType, events, ignoreExtraEvents: ignoreExtra === true };
  });
}

function parseTest(raw: unknown, path: string): UnifiedTest {
  const t = doc(raw, path);
  onlyKeys(t, testKeys, path);
  return {
    description: str(t['description'], `${path}.description`),
    ...(t['runOnRequirements'] !== undefined ? { runOnRequirements: parseRequirements(t['runOnRequirements'], `${path}.runOnRequirements`) } : {}),
    ...(t['skipReason'] !== undefined ? { skipReason: str(t['skipReason'], `${path}.skipReason`) } : {}),
    operations: list(t['operations'], `${path}.operations`).map((o, i) => parseOperation(o, `${path}.operations[${i}]`)),
    ...(t['expectEvents'] !== undefined ? { expectEvents: parseExpectEvents(t['expectEvents'], `${path}.expectEvents`) } : {}),
    ...(t['expectLogMessages'] !== undefined ? { expectLogMessages: list(t['expectLogMessages'], `${path}.expectLogMessages`).map((m, i) => doc(m, `${path}.expectLogMessages[${i}]`)) } : {}),
    ...(t['outcome'] !== undefined ? { outcome: parseCollectionData(t['outcome'], `${path}.outcome`) } : {}),
  };
}

/** Reads a parsed JSON test file: Extended JSON decoded (relaxed), then checked field by field. */
export function parseUnifiedFile(json: unknown): UnifiedFile {
  let decoded: unknown;
  try {
    decoded = EJSON.deserialize(json as Doc, { relaxed: true });
  } catch (error) {
    throw new UnifiedSchemaError(`<root>: Extended JSON does not decode: ${(error as Error).message}`);
  }
  const f = doc(decoded, '<root>');
  onlyKeys(f, topLevelKeys, '<root>');
  const schemaVersion = str(f['schemaVersion'], 'schemaVersion');
  const m = /^(\d+)\.(\d+)(\.\d+)?$/.exec(schemaVersion);
  if (m === null) fail('schemaVersion', `must look like "1.0", got ${JSON.stringify(schemaVersion)}`);
  if (Number(m[1]) !== supportedSchemaMajor || Number(m[2]) > supportedSchemaMinor) {
    fail('schemaVersion', `${schemaVersion} is not supported (this runner reads ${supportedSchemaMajor}.0 to ${supportedSchemaMajor}.${supportedSchemaMinor})`);
  }
  return {
    description: str(f['description'], 'description'),
    schemaVersion,
    ...(f['runOnRequirements'] !== undefined ? { runOnRequirements: parseRequirements(f['runOnRequirements'], 'runOnRequirements') } : {}),
    createEntities: f['createEntities'] === undefined ? [] : list(f['createEntities'], 'createEntities').map((e, i) => doc(e, `createEntities[${i}]`)),
    ...(f['initialData'] !== undefined ? { initialData: parseCollectionData(f['initialData'], 'initialData') } : {}),
    tests: list(f['tests'], 'tests').map((t, i) => parseTest(t, `tests[${i}]`)),
  };
}
