/**
 * runOnRequirements (unified-test-format.md "runOnRequirement") decide which simulated cluster a
 * test gets: a topology the requirements allow and the newest simulated server version inside
 * their version range. The file's and the test's requirements must both be met (each is met by
 * any one of its entries). When no simulated cluster can meet them, a MissingFeature names what
 * the simulator lacks (authentication, server parameters, an older server version...).
 */
import { serverVersions, type ServerVersion } from '../../sim/mongod/versions.js';
import { MissingFeature } from './missing-feature.js';
import type { RunOnRequirement } from './schema.js';

export type SimTopology = 'replicaset' | 'single' | 'sharded' | 'load-balanced';

/** Preference when several topologies qualify: the one most tests are written against first. */
export const topologyPreference: readonly SimTopology[] = ['replicaset', 'single', 'sharded', 'load-balanced'];

export interface ClusterPlan {
  readonly topology: SimTopology;
  readonly version: ServerVersion;
}

/** Numeric comparison of "4.0.10"-style versions, missing parts as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The simulator's "X.Y" is the release X.Y.0 (buildInfo reports it so). */
function fullVersion(v: ServerVersion): string {
  return `${v}.0`;
}

/** Why one requirement cannot be met by any simulated cluster, or null when it can by (topology, version). */
function requirementProblem(r: RunOnRequirement, topology: SimTopology, version: ServerVersion): string | null {
  if (r.auth === true) return 'authentication (the simulated servers have no auth)';
  if (r.authMechanism !== undefined) return `the ${r.authMechanism} authentication mechanism`;
  if (r.serverless === 'require') return 'Atlas Serverless';
  if (r.csfle !== undefined && r.csfle !== false) return 'client-side field level encryption';
  if (r.serverParameters !== undefined && Object.keys(r.serverParameters).length > 0) return `server parameters (${Object.keys(r.serverParameters).join(', ')})`;
  if (r.minServerVersion !== undefined && compareVersions(fullVersion(version), r.minServerVersion) < 0) return `server version >= ${r.minServerVersion}`;
  if (r.maxServerVersion !== undefined && compareVersions(fullVersion(version), r.maxServerVersion) > 0) return `server version <= ${r.maxServerVersion}`;
  if (r.topologies !== undefined) {
    const wanted = r.topologies.map((t) => (t === 'sharded-replicaset' ? 'sharded' : t));
    if (!wanted.includes(topology)) return `topology ${r.topologies.join('|')}`;
  }
  return null;
}

function anyMet(reqs: readonly RunOnRequirement[] | undefined, topology: SimTopology, version: ServerVersion): boolean {
  return reqs === undefined || reqs.length === 0 || reqs.some((r) => requirementProblem(r, topology, version) === null);
}

/**
 * The cluster for a test whose file requires `fileReqs` and which itself requires `testReqs`:
 * topologies in `topologyPreference` order, the newest version first. Throws MissingFeature.
 */
export function planCluster(fileReqs: readonly RunOnRequirement[] | undefined, testReqs: readonly RunOnRequirement[] | undefined, topologies: readonly SimTopology[] = topologyPreference): ClusterPlan {
  const newestFirst = [...serverVersions].reverse();
  for (const topology of topologies) {
    for (const version of newestFirst) {
      if (anyMet(fileReqs, topology, version) && anyMet(testReqs, topology, version)) return { topology, version };
    }
  }
  // Name the feature behind the first requirement that no cluster meets.
  for (const reqs of [fileReqs, testReqs]) {
    if (reqs === undefined || reqs.length === 0) continue;
    const problems = reqs.map((r) => {
      for (const topology of topologies) for (const version of newestFirst) if (requirementProblem(r, topology, version) === null) return null;
      return requirementProblem(r, topologies[0]!, newestFirst[0]!) ?? requirementProblem(r, topologies[0]!, newestFirst[newestFirst.length - 1]!);
    });
    if (problems.every((p) => p !== null)) throw new MissingFeature(problems[0]!);
  }
  throw new MissingFeature(`a simulated cluster meeting both the file's and the test's runOnRequirements (versions ${serverVersions.join(', ')}; topologies ${topologies.join(', ')})`);
}
