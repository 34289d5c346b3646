/** Public API of the SDAM core (server-discovery-and-monitoring.md). */
export type { ServerDescription, ServerType, TopologyDescription, TopologyType, TopologyVersion, OpTime } from './types.js';
export type * from './events.js';
export type * from './actions.js';
export {
  createTopology,
  poolGeneration,
  type TopologyOptions,
  type TopologyState,
  type TopologyResult,
  type TopologyStepEvent,
  type TopologySettings,
  type PoolGenerationState,
  type MonitoringMode,
  type HelloInput,
  type CheckFailureInput,
} from './topology.js';
export type { ApplicationErrorInput } from './error-handling.js';
export { stepTopology, type TopologyInput, type TopologyInputType } from './step-topology.js';
export { parseHello, type HelloOutcome } from './hello.js';
export {
  unknownServerDescription,
  serverDescriptionsEqual,
  compareTopologyVersion,
  isDataBearing,
  compatibilityErrorFor,
} from './server-description.js';
export { normalizeAddress, seedAddress, type AddressResult } from './address.js';
export {
  isRecovering,
  isNotWritablePrimary,
  isShutdown,
  isStateChangeError,
  commandErrorOf,
  recoveringCodes,
  notWritablePrimaryCodes,
  shutdownCodes,
  systemOverloadedErrorLabel,
  type CommandErrorFacts,
} from './application-errors.js';
export { stalePrimaryByTupleError, stalePrimaryByNewerPrimaryError } from './transitions.js';
export { ServerMap } from './server-map.js';
export * from './constants.js';
