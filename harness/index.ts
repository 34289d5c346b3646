/**
 * `mongosim/harness`: the glue that joins a client to the simulator — the client runtime's
 * ports in virtual time (`simPorts`, which by default advance virtual time by themselves while a
 * client operation is pending: harness/world-driver.ts), awaiting a promise in virtual time
 * (`settle`), and the tutorial's cluster builders. It is the one layer allowed to import both client/ and sim/.
 */
export { simPorts, defaultClientHost } from './sim-ports.js';
export type { SimPortsOptions, SimRuntimePorts } from './sim-ports.js';
export { settle, settleAll, defaultSettleLimitMs, maxSettleInstants } from './settle.js';
export {
  tutorialHosts,
  tutorialSetName,
  tutorialWorld,
  tutorialMembers,
  tutorialReplicaSet,
  readyTutorialSet,
  setClientLatency,
  defaultPrimaryWaitMs,
  settleAfterPrimaryMs,
} from './tutorial-world.js';
export type { TutorialWorldOptions } from './tutorial-world.js';
export { worldDriver, WorldDriver, maxAutoAdvanceInstants, defaultStallGraceMs } from './world-driver.js';
export { clientWorkload, defaultClientWorkloadSettings } from './fuzz/client-workload.js';
export type { ClientWorkloadOptions } from './fuzz/client-workload.js';
export { History, describeOp } from './fuzz/history.js';
export type { HistoryOp, OpOutcome, OpSend, ClientObservation } from './fuzz/history.js';
export { checkHistory, checkerNames } from './fuzz/checkers.js';
export type { CheckFailure, CheckerName, ClusterOutcome } from './fuzz/checkers.js';
export { runChecked, clusterOutcome } from './fuzz/run-case.js';
export type { CheckedRun } from './fuzz/run-case.js';
