/**
 * The simulator's public surface: the kernel (virtual clock, seeded randomness, trace), the
 * network, the world, YAML scenarios, and — re-exported from their own modules — the
 * simulated mongod / replica set, mongos and load balancer.
 */
export { Scheduler, maxEventsWithoutClockAdvance, maxPendingEvents } from './kernel/scheduler.js';
export type { TimerHandle } from './kernel/scheduler.js';
export { SimRandom } from './kernel/random.js';
export { Trace, defaultMaxKeptLines, messageLineKind } from './kernel/trace.js';
export type { TraceOptions, MessageLineKind } from './kernel/trace.js';
export { Fnv1a64, fnv1a64Hex } from './kernel/hash.js';
export { firstDifference, checkDeterminism, describeDifference } from './kernel/determinism.js';
export type { TraceDifference, DeterminismReport } from './kernel/determinism.js';
export {
  Network,
  defaultLinkSettings,
  maxQueuedMessagesPerPipe,
  maxOpenConnections,
  validateLinkSettings,
} from './network/network.js';
export type { Message, SimSocket, LinkSettings, LatencyDistribution } from './network/network.js';
export { World } from './world.js';
export type { WorldOptions } from './world.js';
export { parseScenario, ScenarioError, clientHost } from './scenario/parse.js';
export { runScenario, describeAction } from './scenario/runner.js';
export type { ScenarioResult, ScenarioRunOptions, PrimaryChange, ActionRecord, WriteStats } from './scenario/runner.js';
export { scheduleRandomFaults, randomFaultKinds } from './scenario/random-faults.js';
export type { RandomFaultKind, RandomFaultOptions } from './scenario/random-faults.js';
export type { Scenario, ScenarioAction, TimelineEntry } from './scenario/schema.js';
export { parseDuration, formatDuration } from './scenario/duration.js';
export { applyFault, linkSettings } from './scenario/faults.js';
export type { FaultCluster, FaultOutcome } from './scenario/faults.js';
export { drawRandomFaults, maxRandomFaults } from './scenario/random-faults.js';
export type { DrawOptions } from './scenario/random-faults.js';
export { formatTimeline } from './scenario/timeline-yaml.js';
export { ScenarioBudgetError } from './scenario/runner.js';
export { defaultEventBudget } from './scenario/schema.js';
export * from './mongod/index.js';
export * from './mongos/index.js';
export * from './lb/index.js';
export { directWorkload, WriteLedger, isAcknowledged } from './scenario/workload.js';
export type { ScenarioWorkload, WorkloadFactory, WorkloadContext, WriteRecord, WriteOutcome, ObservedWrite } from './scenario/workload.js';
export { formatScenario } from './scenario/scenario-yaml.js';
