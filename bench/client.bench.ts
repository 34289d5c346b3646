/**
 * Full-stack client throughput in the simulator: `insertOne` and `findOne` through the
 * MongoClient façade, the client runtime (selection, pool, executor) and the simulated network
 * to a 3-member replica set, one operation at a time, each awaited in virtual time with
 * `settle`. Figures are operations per second of wall time. No peer: the official driver
 * cannot run inside the simulator.
 */
import { asyncOpsPerSecond, defaultMeasureOptions } from './measure.js';
import type { Benchmark, BenchOptions, BenchResult } from './types.js';
import { MongoClient } from '../client/mongo-client.js';
import { simPorts, settle } from '../harness/index.js';
import { ReplicaSetSim } from '../sim/mongod/replset.js';
import { World } from '../sim/world.js';

const benchSeed = 1;
/** Virtual time allowed for initiation, the first election and discovery before measuring. */
const setupVirtualMs = 60_000;
/** Virtual time one operation may take before the benchmark fails. */
const operationLimitMs = 60_000;
/** Documents inserted before findOne is measured (so it reads a real collection). */
const seededDocuments = 100;

interface Setup {
  readonly world: World;
  readonly client: MongoClient;
}

async function connectedSet(): Promise<Setup> {
  const world = new World({ seed: benchSeed });
  const rs = new ReplicaSetSim(world, { name: 'rs0', members: [{ host: 'a:27017' }, { host: 'b:27017' }, { host: 'c:27017' }] });
  rs.initiate();
  if (rs.waitForPrimary(setupVirtualMs) === null) throw new Error(`bench: no primary within ${setupVirtualMs} ms`);
  const client = new MongoClient('mongodb://a:27017/?replicaSet=rs0', { ports: simPorts(world, { clientHost: 'bench' }) });
  world.scheduler.runFor(2000);
  if (client.nodes.length !== 3) throw new Error(`bench: the client discovered ${client.nodes.length} of 3 members`);
  return { world, client };
}

function result(name: string, opsPerSecond: number): BenchResult {
  return { name, mongosim: opsPerSecond, peer: null, ratio: null, unit: 'ops/s' };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'client.insertOne.rs3',
    async run(options: BenchOptions): Promise<BenchResult[]> {
      const { world, client } = await connectedSet();
      const coll = client.db('bench').collection('docs');
      const ops = await asyncOpsPerSecond((i) => settle(world, coll.insertOne({ i }), operationLimitMs), defaultMeasureOptions(options.quick));
      await settle(world, client.close(), operationLimitMs);
      return [result('client.insertOne.rs3', ops)];
    },
  },
  {
    name: 'client.findOne.rs3',
    async run(options: BenchOptions): Promise<BenchResult[]> {
      const { world, client } = await connectedSet();
      const coll = client.db('bench').collection('docs');
      await settle(world, coll.insertMany(Array.from({ length: seededDocuments }, (_, i) => ({ _id: i }))), operationLimitMs);
      const ops = await asyncOpsPerSecond(async (i) => {
        const doc = await settle(world, coll.findOne({ _id: i % seededDocuments }), operationLimitMs);
        if (doc === null) throw new Error(`bench: findOne found no document ${i % seededDocuments}`);
        return doc;
      }, defaultMeasureOptions(options.quick));
      await settle(world, client.close(), operationLimitMs);
      return [result('client.findOne.rs3', ops)];
    },
  },
];
