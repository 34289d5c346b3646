/**
 * SDAM monitoring events (server-discovery-and-monitoring-logging-and-monitoring.md "Events
 * API"). Property names follow the official Node driver's event classes so listeners written
 * for it read ours unchanged; `name` carries the Node event name.
 *
 * The heartbeat events are defined here and emitted by the monitor (core/monitor).
 */
import type { ServerDescription, TopologyDescription } from './types.js';

/** Unique per topology for its lifetime ("Topology IDs"); chosen by whoever creates it. */
export type TopologyId = number;

export interface TopologyOpeningEvent {
  readonly name: 'topologyOpening';
  readonly topologyId: TopologyId;
}

export interface TopologyClosedEvent {
  readonly name: 'topologyClosed';
  readonly topologyId: TopologyId;
}

export interface TopologyDescriptionChangedEvent {
  readonly name: 'topologyDescriptionChanged';
  readonly topologyId: TopologyId;
  readonly previousDescription: TopologyDescription;
  readonly newDescription: TopologyDescription;
}

export interface ServerOpeningEvent {
  readonly name: 'serverOpening';
  readonly topologyId: TopologyId;
  readonly address: string;
}

export interface ServerClosedEvent {
  readonly name: 'serverClosed';
  readonly topologyId: TopologyId;
  readonly address: string;
}

/** Published only when the descriptions differ by "Server Description Equality" (RTT changes alone do not count). */
export interface ServerDescriptionChangedEvent {
  readonly name: 'serverDescriptionChanged';
  readonly topologyId: TopologyId;
  readonly address: string;
  readonly previousDescription: ServerDescription;
  readonly newDescription: ServerDescription;
}

/** Published just before the monitor sends hello (or creates the monitoring socket). */
export interface ServerHeartbeatStartedEvent {
  readonly name: 'serverHeartbeatStarted';
  /** The server address the monitor connects to. */
  readonly connectionId: string;
  /** True for a streaming (awaitable) hello. */
  readonly awaited: boolean;
}

export interface ServerHeartbeatSucceededEvent {
  readonly name: 'serverHeartbeatSucceeded';
  readonly connectionId: string;
  /** Duration of the check in ms (virtual clock). */
  readonly duration: number;
  readonly reply: unknown;
  readonly awaited: boolean;
}

export interface ServerHeartbeatFailedEvent {
  readonly name: 'serverHeartbeatFailed';
  readonly connectionId: string;
  readonly duration: number;
  readonly failure: Error;
  readonly awaited: boolean;
}

/** Events produced by the topology state machine. */
export type TopologyEvent =
  | TopologyOpeningEvent
  | TopologyClosedEvent
  | TopologyDescriptionChangedEvent
  | ServerOpeningEvent
  | ServerClosedEvent
  | ServerDescriptionChangedEvent;

export type ServerHeartbeatEvent = ServerHeartbeatStartedEvent | ServerHeartbeatSucceededEvent | ServerHeartbeatFailedEvent;

/** Every SDAM event a client publishes. */
export type SdamEvent = TopologyEvent | ServerHeartbeatEvent;
