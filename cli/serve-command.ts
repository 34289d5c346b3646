/**
 * `mongosim serve`: a simulated replica set (optionally behind mongos routers) listening on
 * loopback TCP ports and speaking the real wire protocol, paced to the wall clock. Prints the
 * connection string, then serves until SIGINT or SIGTERM.
 *
 * Control while it runs: `db.adminCommand({mongosim: 'crash', host: '127.0.0.1:27017'})` and
 * the actions status, restart, stepDown, partition, heal, setLatency {ms}, setSpeed {speed}.
 */
import { parseArgs } from 'node:util';
import { ServedCluster } from '../net/served-cluster.js';
import type { ServeOptions } from '../net/served-cluster.js';
import { isServerVersion, serverVersions } from '../sim/mongod/versions.js';
import { UsageError } from './usage-error.js';

export const SERVE_USAGE = `Usage: mongosim serve [--replset N] [--mongos N] [--port P] [--version V] [--seed N]
                      [--speed X] [--bind ADDR] [--election-timeout-ms MS] [--heartbeat-interval-ms MS] [--json]

Serves a simulated cluster to real drivers (and mongosh) over TCP, paced to the real clock.
  --replset N                 replica set members (default 3)
  --mongos N                  mongos routers in front of the set (default 0: clients talk to the set)
  --port P                    first port; the others follow (default 27017; 0 = ephemeral ports)
  --version V                 server version to impersonate: ${serverVersions.join(', ')} (default 8.0)
  --seed N                    the simulated world's seed (default 1)
  --speed X                   virtual ms per wall ms (default 1)
  --bind ADDR                 listen address (default 127.0.0.1: loopback only)
  --election-timeout-ms MS    the set's electionTimeoutMillis (default 1000)
  --heartbeat-interval-ms MS  the set's heartbeatIntervalMillis (default 250)
  --json                      print one JSON line {uri, hosts, mongos} instead of the text
Control while serving: db.adminCommand({mongosim: 'crash' | 'restart' | 'stepDown' | 'partition',
host: 'ADDR:PORT'}), {mongosim: 'heal'}, {mongosim: 'setLatency', ms}, {mongosim: 'status'}.
Stops on SIGINT or SIGTERM.`;

function intOption(values: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} ${JSON.stringify(raw)} must be an integer in [${min}, ${max}]`);
  }
  return Number(raw);
}

export function parseServeArgs(argv: string[]): { options: ServeOptions; json: boolean; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        replset: { type: 'string' }, mongos: { type: 'string' }, port: { type: 'string' }, version: { type: 'string' },
        seed: { type: 'string' }, speed: { type: 'string' }, bind: { type: 'string' },
        'election-timeout-ms': { type: 'string' }, 'heartbeat-interval-ms': { type: 'string' },
        json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values as Record<string, unknown>;
  if (v['help'] === true) return { options: {}, json: false, help: true };
  const version = v['version'];
  if (version !== undefined && !isServerVersion(version)) throw new UsageError(`--version ${JSON.stringify(version)} must be one of ${serverVersions.join(', ')}`);
  const speedRaw = v['speed'];
  const speed = speedRaw === undefined ? undefined : Number(speedRaw);
  if (speed !== undefined && !(Number.isFinite(speed) && speed > 0)) throw new UsageError(`--speed ${JSON.stringify(speedRaw)} must be a positive number`);
  const options: Record<string, unknown> = {
    members: intOption(v, 'replset', 1, 50) ?? 3,
    mongos: intOption(v, 'mongos', 0, 16) ?? 0,
    port: intOption(v, 'port', 0, 65535) ?? 27017,
    seed: intOption(v, 'seed', 0, Number.MAX_SAFE_INTEGER) ?? 1,
    bind: (v['bind'] as string | undefined) ?? '127.0.0.1',
  };
  if (version !== undefined) options['version'] = version;
  if (speed !== undefined) options['speed'] = speed;
  const et = intOption(v, 'election-timeout-ms', 1, 86_400_000);
  if (et !== undefined) options['electionTimeoutMillis'] = et;
  const hb = intOption(v, 'heartbeat-interval-ms', 1, 86_400_000);
  if (hb !== undefined) options['heartbeatIntervalMillis'] = hb;
  return { options: options as ServeOptions, json: v['json'] === true, help: false };
}

/** Runs until `stopSignal` resolves (default: SIGINT or SIGTERM). Returns the exit status. */
export async function serveCommand(argv: string[], stopSignal?: Promise<unknown>): Promise<number> {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  const { options, json, help } = parseServeArgs(argv);
  if (help) {
    out(SERVE_USAGE);
    return 0;
  }
  let cluster: ServedCluster;
  try {
    cluster = await ServedCluster.start(options);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') throw new UsageError(`cannot listen: ${e.message} (try --port 0 for free ports)`);
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  if (json) out(JSON.stringify({ uri: cluster.uri, hosts: cluster.hosts, mongos: cluster.mongosHosts, primary: cluster.primary() }));
  else {
    out(cluster.uri);
    process.stderr.write(`mongosim serve: ${cluster.hosts.length}-member set ${cluster.replicaSet.name}${cluster.mongosHosts.length > 0 ? ` behind ${cluster.mongosHosts.length} mongos` : ''}, primary ${cluster.primary() ?? 'none yet'}; Ctrl-C stops\n`);
  }
  const stop = stopSignal ?? new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await stop;
  await cluster.stop();
  return 0;
}
