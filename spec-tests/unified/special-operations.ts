/**
 * The special test operations on the `testRunner` object (unified-test-format.md "Special
 * Test Operations"). Waiting operations wait in virtual time: the world runs (through
 * `settle`) until the condition holds or the format's limit passes.
 */
import { SpecMismatch, show } from '../assert.js';
import type { SimCluster } from './cluster.js';
import { createEntity, EntityError, type ClientEntity, type EntityMap } from './entities.js';
import { unifiedMismatch, type MatchEntities } from './matcher.js';
import { MissingFeature } from './missing-feature.js';
import { parseOperation, type Doc, type Operation } from './schema.js';
import type { TopologyDescription } from '../../core/sdam/types.js';

/** The address of the topology's primary (RSPrimary), or null. */
function primaryOf(description: TopologyDescription): string | null {
  for (const [address, server] of description.servers) if (server.type === 'RSPrimary') return address;
  return null;
}

/** waitForEvent / waitForPrimaryChange default limits (unified-test-format.md: 10 s), virtual ms. */
export const defaultWaitLimitMs = 10_000;

export interface SpecialContext {
  readonly cluster: SimCluster;
  readonly entities: EntityMap;
  readonly match: MatchEntities;
  /**
   * Awaits a promise in virtual time. The test's own flow runs the world while it waits
   * (`settle`); a thread's operations only wait, the world being run by whoever else waits.
   */
  drive<T>(promise: Promise<T>, limitMs?: number): Promise<T>;
  /** Runs one operation in `ctx` (runOnThread schedules it with a thread's context). */
  runOperation(ctx: SpecialContext, op: Operation, where: string): Promise<void>;
}

/** The context of a thread: the same entities and cluster, but it never runs the world itself. */
function threadContext(ctx: SpecialContext): SpecialContext {
  return { ...ctx, drive: (promise) => promise };
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
  const wait = new Promise<void>((resolve) => c.addWaiter(() => {
    if (!predicate()) return false;
    resolve();
    return true;
  }));
  return ctx.drive(wait, limitMs).catch((error: unknown) => {
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
      await ctx.drive(c.client.db('admin').runCommand(failPoint as Doc));
      return;
    }
    case 'createEntities': {
      const list = args['entities'];
      if (!Array.isArray(list)) throw new EntityError(`${where}.arguments.entities: must be an array`);
      list.forEach((e, i) => createEntity(ctx.entities, ctx.cluster, e as Doc, `${where}.arguments.entities[${i}]`));
      return;
    }
    case 'recordTopologyDescription': {
      const c = client(ctx, args, where);
      if (typeof args['id'] !== 'string') throw new EntityError(`${where}.arguments.id: must be a string`);
      ctx.entities.set(args['id'], { type: 'topologyDescription', value: c.client.topologyDescription });
      return;
    }
    case 'assertTopologyType': {
      const desc = ctx.entities.getAs(String(args['topologyDescription']), 'topologyDescription').value;
      if (desc.type !== args['topologyType']) throw new SpecMismatch(`${where}.topologyType`, args['topologyType'], desc.type);
      return;
    }
    case 'waitForPrimaryChange': {
      const c = client(ctx, args, where);
      const prior = primaryOf(ctx.entities.getAs(String(args['priorTopologyDescription']), 'topologyDescription').value);
      const limitMs = typeof args['timeoutMS'] === 'number' ? args['timeoutMS'] : defaultWaitLimitMs;
      const changed = (): boolean => {
        const now = primaryOf(c.client.topologyDescription);
        return now !== null && now !== prior;
      };
      if (changed()) return;
      const wait = new Promise<void>((resolve) => {
        const listener = (): void => {
          if (!changed()) return;
          c.client.off('topologyDescriptionChanged', listener);
          resolve();
        };
        c.client.on('topologyDescriptionChanged', listener);
      });
      await ctx.drive(wait, limitMs).catch((error: unknown) => {
        throw new SpecMismatch(`${where}`, `a primary other than ${prior ?? 'none'}`, primaryOf(c.client.topologyDescription), `within ${limitMs} virtual ms: ${(error as Error).message}`);
      });
      return;
    }
    case 'runOnThread': {
      const thread = ctx.entities.getAs(String(args['thread']), 'thread').value;
      const op = parseOperation(args['operation'], `${where}.arguments.operation`);
      const inThread = threadContext(ctx);
      thread.run(() => ctx.runOperation(inThread, op, `${where} on thread ${String(args['thread'])}: ${op.name}`));
      return;
    }
    case 'waitForThread': {
      const thread = ctx.entities.getAs(String(args['thread']), 'thread').value;
      await ctx.drive(thread.tail, defaultWaitLimitMs).catch((error: unknown) => {
        throw new SpecMismatch(where, 'the thread to finish', 'it did not', `within ${defaultWaitLimitMs} virtual ms: ${(error as Error).message}`);
      });
      if (thread.failed) throw thread.error;
      return;
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
      await ctx.drive(new Promise<void>((resolve) => world.scheduler.after(ms, 'unified.wait', resolve)), ms + 1);
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
    case 'assertNumberConnectionsCheckedOut': {
      const c = client(ctx, args, where);
      if (c.checkedOut !== args['connections']) throw new SpecMismatch(`${where}.connections`, args['connections'], c.checkedOut, 'connections checked out now');
      return;
    }
    case 'assertIndexExists':
    case 'assertIndexNotExists':
      throw new MissingFeature('indexes (createIndex) in the simulator');
    default:
      throw new MissingFeature(`the special test operation ${op.name}`);
  }
}
