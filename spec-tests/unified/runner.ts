/**
 * Runs one unified test (unified-test-format.md "Executing a Test") on a fresh simulated
 * cluster in virtual time: plan the cluster from runOnRequirements, build it, load
 * initialData through the runner's internal connection, create the entities, run each
 * operation (awaited in virtual time with `settle`), then check expectEvents and outcome.
 */
import { settle } from '../../harness/settle.js';
import { SpecMismatch, show } from '../assert.js';
import { buildCluster, type SimCluster } from './cluster.js';
import { createEntity, EntityMap, stopEntities } from './entities.js';
import { assertExpectedError } from './expect-error.js';
import { assertExpectedEvents } from './expect-events.js';
import { assertExpectedLogs, parseExpectedLogs } from './expect-logs.js';
import { assertUnifiedMatch, type MatchEntities, MatchOperatorError } from './matcher.js';
import { MissingFeature } from './missing-feature.js';
import { runEntityOperation, type OperationOutcome } from './operations.js';
import { planCluster, type SimTopology, topologyPreference } from './requirements.js';
import type { CollectionData, Doc, Operation, UnifiedFile, UnifiedTest } from './schema.js';
import { runSpecialOperation, type SpecialContext } from './special-operations.js';

/** The seed of each test's world when none is given (results must not depend on it). */
export const defaultUnifiedSeed = 1;
/** Documents one outcome check reads at most (a batch size no outcome in the suites comes near). */
export const maxOutcomeDocuments = 10_000;
/** Virtual time a client entity gets to close at the end of a test, ms. */
export const clientCloseLimitMs = 60_000;
/** NamespaceNotFound: dropping a collection that is not there (before 7.0). */
const namespaceNotFound = 26;

export interface RunTestOptions {
  readonly seed?: number;
  /** Topologies this run may use, in preference order. */
  readonly topologies?: readonly SimTopology[];
}

function entityMatcher(entities: EntityMap): MatchEntities {
  return {
    bsonEntity: (name) => entities.getAs(name, 'bson').value,
    sessionLsid: (name) => entities.getAs(name, 'session').value.id,
  };
}

function checkInternal(reply: Doc, what: string, allowedCodes: readonly number[] = []): void {
  if (reply['ok'] === 1) {
    if (reply['writeErrors'] !== undefined) throw new Error(`${what}: write errors ${show(reply['writeErrors'])}`);
    return;
  }
  if (typeof reply['code'] === 'number' && allowedCodes.includes(reply['code'])) return;
  throw new Error(`${what} failed: ${show(reply)}`);
}

/** initialData: drop, create when asked (or when there are no documents), insert with w: majority. */
function loadInitialData(cluster: SimCluster, data: readonly CollectionData[]): void {
  const majority = { w: 'majority' };
  for (const d of data) {
    checkInternal(cluster.internalCommand(d.databaseName, { drop: d.collectionName, writeConcern: majority }), `initialData drop ${d.databaseName}.${d.collectionName}`, [namespaceNotFound]);
    if (d.createOptions !== undefined || d.documents.length === 0) {
      checkInternal(cluster.internalCommand(d.databaseName, { create: d.collectionName, ...(d.createOptions ?? {}), writeConcern: majority }), `initialData create ${d.databaseName}.${d.collectionName}`);
    }
    if (d.documents.length > 0) {
      checkInternal(cluster.internalCommand(d.databaseName, { insert: d.collectionName, documents: d.documents.map((doc) => ({ ...doc })), writeConcern: majority }), `initialData insert ${d.databaseName}.${d.collectionName}`);
    }
  }
}

/** outcome: the collection holds exactly these documents (sorted by _id, primary, local read concern). */
function checkOutcome(cluster: SimCluster, data: readonly CollectionData[]): void {
  data.forEach((d, i) => {
    const reply = cluster.internalCommand(d.databaseName, { find: d.collectionName, filter: {}, sort: { _id: 1 }, batchSize: maxOutcomeDocuments, readConcern: { level: 'local' } });
    checkInternal(reply, `outcome find ${d.databaseName}.${d.collectionName}`);
    const actual = ((reply['cursor'] as Doc | undefined)?.['firstBatch'] ?? []) as unknown[];
    assertUnifiedMatch(d.documents, actual, `outcome[${i}].documents`, { root: false });
  });
}

function matchResult(expected: unknown, outcome: OperationOutcome, where: string, entities: MatchEntities): void {
  const { result, shape } = outcome;
  if (shape === 'rootList' && Array.isArray(expected)) {
    if (!Array.isArray(result)) throw new SpecMismatch(where, expected, result, 'not a list');
    if (result.length !== expected.length) throw new SpecMismatch(`${where}.length`, expected.length, result.length, `actual ${show(result)}`);
    expected.forEach((e, i) => assertUnifiedMatch(e, result[i], `${where}[${i}]`, { root: true, entities }));
    return;
  }
  assertUnifiedMatch(expected, result, where, { root: shape === 'root', entities });
}

/** Errors that mean the test (or the runner) cannot do what the test asks: never an expected error. */
function isRunnerProblem(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error instanceof MissingFeature || error instanceof MatchOperatorError || ['EntityError', 'OptionsError', 'OperationArgumentError', 'UnifiedSchemaError'].includes(error.name);
}

async function runOperation(ctx: SpecialContext, op: Operation, where: string): Promise<void> {
  if (op.object === 'testRunner') {
    await runSpecialOperation(ctx, op, where);
    return;
  }
  const entity = ctx.entities.get(op.object);
  // unified-test-format.md: a `session` argument names a session entity; operations take the ClientSession.
  if (typeof op.arguments['session'] === 'string') op = { ...op, arguments: { ...op.arguments, session: ctx.entities.getAs(op.arguments['session'], 'session').value } };
  let outcome: OperationOutcome | undefined;
  let error: unknown;
  let failed = false;
  try {
    outcome = await ctx.drive(runEntityOperation(entity, op, where));
  } catch (e) {
    if (isRunnerProblem(e)) throw e;
    failed = true;
    error = e;
  }
  if (op.ignoreResultAndError) return;
  if (op.expectError !== undefined) {
    if (!failed) throw new SpecMismatch(`${where}.expectError`, 'an error', outcome?.result, `${op.name} succeeded`);
    assertExpectedError(op.expectError, error, `${where}.expectError`, ctx.match);
    return;
  }
  if (failed) {
    const e = error as Error;
    throw new SpecMismatch(where, `${op.name} to succeed`, `${e?.name ?? 'error'}: ${e?.message ?? String(error)}`);
  }
  if (op.expectResult !== undefined) matchResult(op.expectResult, outcome!, `${where}.expectResult`, ctx.match);
  if (op.saveResultAsEntity !== undefined) {
    if (outcome!.cursor !== undefined) ctx.entities.set(op.saveResultAsEntity, { type: 'cursor', value: outcome!.cursor });
    else ctx.entities.set(op.saveResultAsEntity, { type: 'bson', value: outcome!.result });
  }
}

export async function runUnifiedTest(file: UnifiedFile, test: UnifiedTest, options: RunTestOptions = {}): Promise<void> {
  if (test.skipReason !== undefined) throw new MissingFeature(`what the test itself says is missing: ${test.skipReason}`);
  const expectedLogs = (test.expectLogMessages ?? []).map((raw, i) => parseExpectedLogs(raw, `expectLogMessages[${i}]`));
  const plan = planCluster(file.runOnRequirements, test.runOnRequirements, options.topologies ?? topologyPreference);
  const cluster = buildCluster(plan, options.seed ?? defaultUnifiedSeed);
  if (file.initialData !== undefined) loadInitialData(cluster, file.initialData);
  const entities = new EntityMap();
  const ctx: SpecialContext = {
    cluster,
    entities,
    match: entityMatcher(entities),
    drive: (promise, limitMs) => settle(cluster.world, promise, limitMs),
    runOperation,
  };
  file.createEntities.forEach((e, i) => createEntity(entities, cluster, e, `createEntities[${i}]`));
  try {
    for (let i = 0; i < test.operations.length; i++) await runOperation(ctx, test.operations[i]!, `operations[${i}] (${test.operations[i]!.name})`);
  } finally {
    stopEntities(entities);
    // unified-test-format.md: sessions end before their clients close.
    for (const s of entities.sessions()) await s.endSession();
    // Close every client: one left open keeps background work pending (minPoolSize population,
    // monitoring), and the world driver would go on running its old world during later tests.
    for (const c of entities.clients()) await settle(cluster.world, c.client.close(), clientCloseLimitMs).catch(() => undefined);
  }
  (test.expectEvents ?? []).forEach((expected, i) => {
    const client = entities.getAs(expected.client, 'client').value;
    assertExpectedEvents(expected, client.events, ctx.match, `expectEvents[${i}]`);
  });
  expectedLogs.forEach((expected, i) => {
    const client = entities.getAs(expected.client, 'client').value;
    assertExpectedLogs(expected, client.logMessages, ctx.match, `expectLogMessages[${i}]`);
  });
  if (test.outcome !== undefined) checkOutcome(cluster, test.outcome);
}
