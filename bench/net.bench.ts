/**
 * Over real loopback sockets: mongosim's MongoClient on net/ ports against the official
 * `mongodb` driver, both talking to the same served 3-member set (net/ServedCluster) in the same
 * process, the same workload, one awaited operation at a time, in alternating rounds so machine
 * noise hits both. Figures are operations per second of wall time; the goal is a ratio
 * of at least 1.0 for insertOne and findOne.
 */
import { MongoClient as OfficialClient } from 'mongodb';
import { MongoClient } from '../client/mongo-client.js';
import { ServedCluster, netPorts } from '../net/index.js';
import { asyncOpsPerSecond, defaultMeasureOptions, maxAwaitedOperations, median } from './measure.js';
import type { Benchmark, BenchOptions, BenchResult } from './types.js';

const benchSeed = 1;
/** Virtual ms per wall ms: replication and heartbeats inside the served set run this much faster than real time. */
const servedSpeed = 10;
/** Alternating measuring rounds per client; the median is reported. */
const rounds = 5;
const seededDocuments = 100;
/** Goal from issue 11: mongosim's client at least as fast as the official driver. */
const goalRatio = 1.0;

type Workload = (coll: { insertOne(d: Record<string, unknown>): Promise<unknown>; findOne(f: Record<string, unknown>): Promise<unknown> }, i: number) => Promise<unknown>;

async function compare(name: string, workload: Workload, options: BenchOptions): Promise<BenchResult> {
  const cluster = await ServedCluster.start({ members: 3, seed: benchSeed, speed: servedSpeed });
  const ours = new MongoClient(cluster.uri, { ports: netPorts() });
  const peer = new OfficialClient(cluster.uri);
  try {
    await ours.connect();
    await peer.connect();
    await peer.db('bench').collection<{ _id: number; k: number }>('docs').insertMany(Array.from({ length: seededDocuments }, (_, i) => ({ _id: -1 - i, k: i })));
    const oursColl = ours.db('bench').collection('docs');
    const peerColl = peer.db('bench').collection('docs');
    const measure = defaultMeasureOptions(options.quick);
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < (options.quick ? 1 : rounds); r++) {
      a.push(await asyncOpsPerSecond((i) => workload(oursColl, i), measure, r * 2 * maxAwaitedOperations));
      b.push(await asyncOpsPerSecond((i) => workload(peerColl as never, i), measure, (r * 2 + 1) * maxAwaitedOperations));
    }
    const mongosim = median(a);
    const peerOps = median(b);
    return { name, mongosim, peer: peerOps, ratio: mongosim / peerOps, unit: 'ops/s', goal: goalRatio };
  } finally {
    await ours.close();
    await peer.close();
    await cluster.stop();
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'net.insertOne.rs3',
    run: async (options) => [await compare('net.insertOne.rs3', (coll, i) => coll.insertOne({ _id: i, v: i }), options)],
  },
  {
    name: 'net.findOne.rs3',
    run: async (options) => [await compare('net.findOne.rs3', (coll, i) => coll.findOne({ _id: -1 - (i % seededDocuments) }), options)],
  },
];
