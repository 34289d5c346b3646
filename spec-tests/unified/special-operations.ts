/**
 * The special test operations on the `testRunner` object (unified-test-format.md "Special
 * Test Operations"). Waiting operations wait in virtual time: the world runs (through
 * `settle`) until the condition holds or the format's limit passes.
 */
import { settle } from '../../harness/settle.js';
import { SpecMismatch, show } from '../assert.js';
import type { SimCluster } from './cluster.js';
import { createEntity, EntityError, type ClientEntity, type EntityMap } from './entities.js';
import { unifiedMismatch, type MatchEntities } from './matcher.js';
import { MissingFeature } from './missing-feature.js';
import type { Doc, Operation } from './schema.js';

/** waitForEvent / waitForPrimaryChange default limits (unified-test-format.md: 10 s), virtual ms. */
export const defaultWaitLimitMs = 10_000;

export interface SpecialContext {
  readonly cluster: SimCluster;
  readonly entities: EntityMap;
  readonly match: MatchEntities;
}

function client(ctx: SpecialContext, args: Doc, where: string): ClientEntity {
  if (typeof args['client'] !== 'string') throw new EntityError(`${where}.arguments.client: must be a client entity id`);
  return ctx.entities.getAs(args['client'], 'client').value;
}

/** How many observed events of a client match `{type: assertions}` (waitForEvent, assertEventCount). */
function countMatching(c: ClientEntity, expected: Doc, match: MatchEntities): number {
  const type = Object.keys(expected)[0];
  if (type === undefined) return 0;
  const want = (expected[type] ?? {}) as Doc;
  let n = 0;
  for (const o of c.events) {
    if (o.type !== type) continue;
    if (eventMatches(want, o.event, match)) n++;
  }
  return n;
}

function eventMatches(want: Doc, event: Readonly<Record<string, unknown>>, match: MatchEntities): boolean {
  for (const [key, value] of Object.entries(want)) {
    if (key === 'newDescription' || key === 'previousDescription') {
      const d = event[key] as Doc | undefined;
      for (const [k, v] of Object.entries(value as Doc)) if (k !== 'type' || d?.['type'] !== v) return false;
      continue;
    }
    if (unifiedMismatch(value, event[key], { root: true, entities: match }) !== null) return false;
  }
  return true;
}

function waitUntil(ctx: SpecialContext, c: ClientEntity, predicate: () => boolean, limitMs: number, what: string): Promise<void> {
  if (predicate()) return Promise.resolve();
  const world = ctx.cluster.world;
  const wait = new Promise<void>((resolve) => c.addWaiter(() => {
    if (!predicate()) return false;
    resolve();
    return true;
  }));
  return settle(world, wait, limitMs).catch((error: unknown) => {
    throw new SpecMismatch(what, 'to happen', 'it did not', `within ${limitMs} virtual ms: ${(error as Error).message}`);
  });
}

export async function runSpecialOperation(ctx: SpecialContext, op: Operation, where: string): Promise<void> {
  const args = op.arguments;
  const world = ctx.cluster.world;
  switch (op.name) {
    case 'failPoint': {
      const c = client(ctx, args, where);
      const failPoint = args['failPoint'];
      if (failPoint === null || typeof failPoint !== 'object') throw new EntityError(`${where}.arguments.failPoint: must be a configureFailPoint command`);
      c.hideNextConfigureFailPoint++;
      await settle(world, c.client.db('admin').runCommand(failPoint as Doc));
      return;
    }
    case 'createEntities': {
      const list = args['entities'];
      if (!Array.isArray(list)) throw new EntityError(`${where}.arguments.entities: must be an array`);
      list.forEach((e, i) => createEntity(ctx.entities, ctx.cluster, e as Doc, `${where}.arguments.entities[${i}]`));
      return;
    }
    case 'assertTopologyType': {
      const desc = args['topologyDescription'];
      if (typeof desc !== 'string') throw new MissingFeature('topologyDescription entities (recordTopologyDescription)');
      throw new MissingFeature('topologyDescription entities (recordTopologyDescription)');
    }
    case 'waitForEvent': {
      const c = client(ctx, args, where);
      const event = args['event'] as Doc;
      const count = args['count'] as number;
      await waitUntil(ctx, c, () => countMatching(c, event, ctx.match) >= count, defaultWaitLimitMs, `${where}: ${count} × ${show(event)}`);
      return;
    }
    case 'assertEventCount': {
      const c = client(ctx, args, where);
      const n = countMatching(c, args['event'] as Doc, ctx.match);
      if (n !== args['count']) throw new SpecMismatch(`${where}.count`, args['count'], n, `events ${show(args['event'])}`);
      return;
    }
    case 'wait': {
      const ms = args['ms'];
      if (typeof ms !== 'number' || !(ms >= 0)) throw new EntityError(`${where}.arguments.ms: must be a number of ms >= 0`);
      await settle(world, new Promise<void>((resolve) => world.scheduler.after(ms, 'unified.wait', resolve)), ms + 1);
      return;
    }
    case 'assertSameLsidOnLastTwoCommands':
    case 'assertDifferentLsidOnLastTwoCommands': {
      const c = client(ctx, args, where);
      const started = c.startedCommands;
      if (started.length < 2) throw new SpecMismatch(where, 'two commands', started.length);
      const a = show(started[started.length - 2]!['lsid']);
      const b = show(started[started.length - 1]!['lsid']);
      if ((a === b) !== (op.name === 'assertSameLsidOnLastTwoCommands')) throw new SpecMismatch(where, op.name, `${a} / ${b}`);
      return;
    }
    case 'assertCollectionExists':
    case 'assertCollectionNotExists': {
      const reply = ctx.cluster.internalCommand(String(args['databaseName']), { listCollections: 1, filter: { name: args['collectionName'] } });
      const batch = ((reply['cursor'] as Doc | undefined)?.['firstBatch'] ?? []) as unknown[];
      if ((batch.length > 0) !== (op.name === 'assertCollectionExists')) throw new SpecMismatch(where, op.name, show(batch));
      return;
    }
    case 'targetedFailPoint':
    case 'assertSessionPinned':
    case 'assertSessionUnpinned':
    case 'assertSessionTransactionState':
    case 'assertSessionDirty':
    case 'assertSessionNotDirty':
      throw new MissingFeature('explicit sessions (session entities)');
    case 'runOnThread':
    case 'waitForThread':
      throw new MissingFeature('thread entities (runOnThread)');
    case 'recordTopologyDescription':
    case 'waitForPrimaryChange':
      throw new MissingFeature('topologyDescription entities (recordTopologyDescription)');
    case 'assertNumberConnectionsCheckedOut':
      throw new MissingFeature('a count of checked-out connections on the client (assertNumberConnectionsCheckedOut)');
    case 'assertIndexExists':
    case 'assertIndexNotExists':
      throw new MissingFeature('indexes (createIndex) in the simulator');
    default:
      throw new MissingFeature(`the special test operation ${op.name}`);
  }
}
