/**
 * test.expectEvents (unified-test-format.md "expectedEventsForClient", "expectedEvent"): the
 * observed events of one kind on a client must match the expected list in number and order
 * (or only as a prefix with ignoreExtraEvents). Command events match `command`/`reply` as
 * root-level documents, and `commandName`, `databaseName`, `hasServiceId`,
 * `hasServerConnectionId`; CMAP and SDAM events match the fields the format defines.
 */
import { SpecMismatch, show } from '../assert.js';
import type { ObservedEvent } from './entities.js';
import { assertUnifiedMatch, isDocument, type MatchEntities } from './matcher.js';
import { MissingFeature } from './missing-feature.js';
import type { Doc, ExpectedEventsForClient } from './schema.js';

const commandTypes = new Set(['commandStartedEvent', 'commandSucceededEvent', 'commandFailedEvent']);
const cmapTypes = new Set([
  'poolCreatedEvent', 'poolReadyEvent', 'poolClearedEvent', 'poolClosedEvent', 'connectionCreatedEvent', 'connectionReadyEvent',
  'connectionClosedEvent', 'connectionCheckOutStartedEvent', 'connectionCheckOutFailedEvent', 'connectionCheckedOutEvent', 'connectionCheckedInEvent',
]);
const sdamTypes = new Set([
  'serverDescriptionChangedEvent', 'topologyDescriptionChangedEvent', 'serverHeartbeatStartedEvent', 'serverHeartbeatSucceededEvent',
  'serverHeartbeatFailedEvent', 'topologyOpeningEvent', 'topologyClosedEvent', 'serverOpeningEvent', 'serverClosedEvent',
]);

export function typesOf(eventType: 'command' | 'cmap' | 'sdam'): ReadonlySet<string> {
  return eventType === 'command' ? commandTypes : eventType === 'cmap' ? cmapTypes : sdamTypes;
}

function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function checkFlag(path: string, want: unknown, actual: unknown, name: string): void {
  if (typeof want !== 'boolean') throw new SpecMismatch(path, 'a boolean in the test', want);
  if (hasValue(actual) !== want) throw new SpecMismatch(path, want ? `a ${name}` : `no ${name}`, actual);
}

/** Matches one expected event object ({type: assertions}) against an observed event. */
export function matchEvent(expected: Doc, observed: ObservedEvent, path: string, entities: MatchEntities): void {
  const type = Object.keys(expected)[0]!;
  const want = (expected[type] ?? {}) as Doc;
  if (!isDocument(want)) throw new SpecMismatch(path, 'an object of assertions', want);
  if (observed.type !== type) throw new SpecMismatch(path, type, observed.type, `observed ${show(summarize(observed))}`);
  const e = observed.event;
  for (const [key, value] of Object.entries(want)) {
    const p = `${path}.${type}.${key}`;
    switch (key) {
      case 'command':
        assertUnifiedMatch(value, e['command'], p, { root: true, entities });
        break;
      case 'reply':
        assertUnifiedMatch(value, e['reply'], p, { root: true, entities });
        break;
      case 'commandName':
      case 'databaseName':
        if (e[key] !== value) throw new SpecMismatch(p, value, e[key]);
        break;
      case 'hasServiceId':
        checkFlag(p, value, e['serviceId'], 'serviceId');
        break;
      case 'hasServerConnectionId':
        checkFlag(p, value, e['serverConnectionId'], 'serverConnectionId');
        break;
      case 'reason':
        if (e['reason'] !== value) throw new SpecMismatch(p, value, e['reason']);
        break;
      case 'hasServerConnectionIdField':
        break;
      case 'interruptInUseConnections':
        if (Boolean(e['interruptInUseConnections']) !== value) throw new SpecMismatch(p, value, e['interruptInUseConnections']);
        break;
      case 'awaited':
        if (Boolean(e['awaited']) !== value) throw new SpecMismatch(p, value, e['awaited']);
        break;
      case 'previousDescription':
      case 'newDescription':
        matchDescription(value as Doc, e[key], p);
        break;
      default:
        throw new MissingFeature(`the '${key}' assertion on ${type}`);
    }
  }
}

/** SDAM descriptions: `type` (server or topology type) is the one field the format asserts. */
function matchDescription(want: Doc, actual: unknown, path: string): void {
  const d = actual as Doc | undefined;
  for (const [key, value] of Object.entries(want)) {
    if (key !== 'type') throw new MissingFeature(`the '${key}' field of an SDAM description assertion`);
    if (d?.['type'] !== value) throw new SpecMismatch(`${path}.type`, value, d?.['type']);
  }
}

function summarize(o: ObservedEvent): unknown {
  const e = o.event;
  return { type: o.type, ...(e['commandName'] !== undefined ? { commandName: e['commandName'] } : {}) };
}

/** Asserts the observed events of `expected.eventType` on a client against `expected.events`. */
export function assertExpectedEvents(expected: ExpectedEventsForClient, observed: readonly ObservedEvent[], entities: MatchEntities, path: string): void {
  const allowed = typesOf(expected.eventType);
  expected.events.forEach((e, i) => {
    const type = Object.keys(e)[0]!;
    // unified-test-format.md "expectedEvent": only the event types of the list's eventType are allowed.
    if (!allowed.has(type)) throw new SpecMismatch(`${path}.events[${i}]`, `a ${expected.eventType} event type (${[...allowed].join(', ')})`, type, 'not allowed by eventType');
  });
  const actual = observed.filter((o) => o.kind === expected.eventType);
  if (actual.length < expected.events.length || (!expected.ignoreExtraEvents && actual.length !== expected.events.length)) {
    throw new SpecMismatch(`${path}.events.length`, expected.events.length, actual.length, `observed ${show(actual.map(summarize))}`);
  }
  expected.events.forEach((e, i) => matchEvent(e, actual[i]!, `${path}.events[${i}]`, entities));
}
