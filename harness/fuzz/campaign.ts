/**
 * A fuzz campaign: fast-check generates fuzz cases (generate.ts), each runs with the client
 * workload and the checkers (run-case.ts), and the first failing case is shrunk by fast-check
 * to a small counterexample, printed as a YAML scenario that `mongosim run` replays, with the
 * seed and path fast-check needs to replay it too (`mongosim fuzz --seed S --path P`).
 *
 * Shards split the seed space: shard k of n runs its share of the runs from its own seed, a
 * pure function of (seed, k), so n machines (a CI matrix, a Kubernetes Indexed Job) together
 * run one campaign and `mergeCampaigns` adds their results up.
 */
import fc from 'fast-check';
import type { ClientSpec } from '../../sim/scenario/schema.js';
import { formatScenario } from '../../sim/scenario/scenario-yaml.js';
import type { CheckFailure } from './checkers.js';
import { caseScenario, fuzzCaseArb, type FuzzCase, type FuzzCaseOptions } from './generate.js';
import { runChecked } from './run-case.js';

export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

export interface CampaignOptions extends FuzzCaseOptions {
  /** The campaign's seed (each shard derives its own from it). */
  readonly seed: number;
  /** Runs over all shards (this shard runs its share). Default 100 unless timeLimitMs is given. */
  readonly runs?: number;
  /** Stop after this much wall time (ms) instead of a number of runs. */
  readonly timeLimitMs?: number;
  /** Replay one case of a failed campaign: fast-check's path (the seed must be the shard's). */
  readonly path?: string;
  readonly shard?: Shard;
  /** Clients to use in every case instead of generated ones (`--workload FILE`). */
  readonly clients?: readonly ClientSpec[];
  /**
   * Shrinking stops after this many shrink runs (default defaultMaxShrinkRuns): later candidates
   * count as passing, so fast-check keeps the smallest failing case found so far. A count, not
   * a time, so the counterexample is the same on any machine.
   */
  readonly maxShrinkRuns?: number;
  /** Called after each run with the runs so far (for progress). */
  readonly onRun?: (runs: number) => void;
}

export interface FuzzFailure {
  /** fast-check's seed and path: `mongosim fuzz --seed <seed> --path <path>` replays the shrunk case. */
  readonly seed: number;
  readonly path: string;
  readonly shrinks: number;
  /** Timeline entries of the shrunk case, the failover and the final recover included. */
  readonly faults: number;
  readonly failures: readonly CheckFailure[];
  /** The shrunk case as a scenario file (faults and workload as data). */
  readonly scenarioYaml: string;
  readonly scenarioName: string;
}

export interface CampaignResult {
  readonly seed: number;
  readonly shard: Shard;
  readonly members: number;
  readonly runs: number;
  readonly failure: FuzzFailure | null;
}

/** The seed shard k of a campaign seeded `seed` runs from (shard 0 of 1 is the seed itself). */
export function shardSeed(seed: number, shard: Shard): number {
  if (shard.index === 0) return seed >>> 0;
  return (Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(shard.index, 0x85ebca6b)) >>> 0;
}

/** This shard's share of `runs`. */
export function shardRuns(runs: number, shard: Shard): number {
  return Math.floor(runs / shard.count) + (shard.index < runs % shard.count ? 1 : 0);
}

export const defaultCampaignRuns = 100;
export const defaultMaxShrinkRuns = 400;

class CheckFailed extends Error {
  constructor(readonly failures: readonly CheckFailure[]) {
    super(failures.map((f) => `${f.checker}: ${f.message}`).join('\n'));
  }
}

/** Runs one campaign (or one shard of it). Deterministic for a given seed, shard and runs. */
export function runCampaign(options: CampaignOptions): CampaignResult {
  const shard = options.shard ?? { index: 0, count: 1 };
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new RangeError(`shard ${shard.index}/${shard.count}: the index must be an integer in [0, count)`);
  }
  const seed = shardSeed(options.seed, shard);
  const caseOptions: FuzzCaseOptions = { members: options.members };
  const fixed = options.clients;
  const arb = fixed === undefined ? fuzzCaseArb(caseOptions) : fuzzCaseArb(caseOptions).map((c): FuzzCase => ({ ...c, clients: fixed }));
  let runs = 0;
  let shrinkRuns = -1; // -1 until the first failure
  const maxShrinkRuns = options.maxShrinkRuns ?? defaultMaxShrinkRuns;
  const timed = options.timeLimitMs !== undefined;
  const numRuns = timed ? Number.MAX_SAFE_INTEGER : options.path !== undefined ? 1 : shardRuns(options.runs ?? defaultCampaignRuns, shard);
  const details = fc.check(
    fc.property(arb, (c) => {
      if (shrinkRuns >= 0) {
        if (++shrinkRuns > maxShrinkRuns) return;
      } else {
        runs++;
        options.onRun?.(runs);
      }
      try {
        checkCase(c, caseOptions);
      } catch (error) {
        if (shrinkRuns < 0) shrinkRuns = 0;
        throw error;
      }
    }),
    {
      seed,
      numRuns,
      ...(options.path === undefined ? {} : { path: options.path }),
      ...(timed ? { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false } : {}),
    },
  );
  // details.numRuns counts generated cases (shrinking runs are extra): the campaign's run count.
  if (!details.failed || details.counterexample === null) return { seed: options.seed, shard, members: options.members, runs: details.numRuns, failure: null };
  const shrunk = details.counterexample[0];
  const scenario = caseScenario(shrunk, caseOptions, `fuzz-${seed}-${details.counterexamplePath ?? ''}`.replace(/[^A-Za-z0-9_-]/g, '_'));
  const replay = runChecked(scenario);
  const failures = replay.failures;
  const path = details.counterexamplePath ?? '';
  const header = [
    `mongosim fuzz counterexample (shrunk ${details.numShrinks} times): ${options.members} members, ${scenario.timeline.length} timeline entries, ${shrunk.clients.length} client(s)`,
    `replay this file:      mongosim run ${scenario.name}.yml`,
    `replay the fuzz case:  mongosim fuzz --members ${options.members} --seed ${seed} --path ${path}`,
    ...failures.map((f) => `FAILED ${f.checker}: ${f.message}`),
  ];
  return {
    seed: options.seed,
    shard,
    members: options.members,
    runs: details.numRuns,
    failure: { seed, path, shrinks: details.numShrinks, faults: scenario.timeline.length, failures, scenarioYaml: formatScenario(scenario, header), scenarioName: scenario.name },
  };
}

function checkCase(c: FuzzCase, options: FuzzCaseOptions): void {
  const run = runChecked(caseScenario(c, options));
  if (run.failures.length > 0) throw new CheckFailed(run.failures);
}

/** What `mongosim fuzz --json` prints, and what `mongosim fuzz merge` adds up. */
export interface CampaignReport {
  readonly seed: number;
  readonly members: number;
  readonly shards: readonly Shard[];
  readonly runs: number;
  readonly failures: readonly FuzzFailure[];
  readonly wallMs: number;
}

export function campaignReport(results: readonly CampaignResult[], wallMs: number): CampaignReport {
  const first = results[0];
  return {
    seed: first?.seed ?? 0,
    members: first?.members ?? 0,
    shards: results.map((r) => r.shard),
    runs: results.reduce((n, r) => n + r.runs, 0),
    failures: results.flatMap((r) => (r.failure === null ? [] : [r.failure])),
    wallMs,
  };
}

/** Adds up shard reports of one campaign (same seed and members; no shard twice). */
export function mergeCampaigns(reports: readonly CampaignReport[]): CampaignReport {
  if (reports.length === 0) throw new RangeError('merge: no reports');
  const first = reports[0] as CampaignReport;
  const seen = new Set<string>();
  for (const r of reports) {
    if (r.seed !== first.seed || r.members !== first.members) throw new RangeError(`merge: report of seed ${r.seed} (${r.members} members) is not from the campaign of seed ${first.seed} (${first.members} members)`);
    for (const s of r.shards) {
      const key = `${s.index}/${s.count}`;
      if (seen.has(key)) throw new RangeError(`merge: shard ${key} appears twice`);
      seen.add(key);
    }
  }
  return {
    seed: first.seed,
    members: first.members,
    shards: reports.flatMap((r) => r.shards),
    runs: reports.reduce((n, r) => n + r.runs, 0),
    failures: reports.flatMap((r) => r.failures),
    wallMs: Math.max(...reports.map((r) => r.wallMs)),
  };
}
