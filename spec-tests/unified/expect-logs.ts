/**
 * test.expectLogMessages (unified-test-format.md "expectedLogMessagesForClient",
 * "expectedLogMessage"): the log messages a client collected for its `observeLogMessages`
 * components, minus those matching any of `ignoreMessages`, must match `messages` in number
 * and order (or as a prefix with `ignoreExtraMessages`). `level` and `component` must be equal,
 * `data` matches as a root-level document, and `failureIsRedacted` checks the failure's form:
 * mongosim logs a failure as `{name, message, code, codeName, errorLabels}`, and a redacted one
 * (command-logging-and-monitoring.md "Security") has no `message`.
 */
import { SpecMismatch, show } from '../assert.js';
import { assertUnifiedMatch, isDocument, type MatchEntities } from './matcher.js';
import type { Doc } from './schema.js';

/** One collected log message: the logger's severity, component and fields. */
export interface ObservedLogMessage {
  readonly level: string;
  readonly component: string;
  readonly data: Doc;
}

export class LogExpectationError extends Error {
  override readonly name = 'UnifiedSchemaError';
}

const expectedKeys = new Set(['level', 'component', 'failureIsRedacted', 'data']);
const forClientKeys = new Set(['client', 'messages', 'ignoreMessages', 'ignoreExtraMessages']);

export interface ExpectedLogMessagesForClient {
  readonly client: string;
  readonly messages: readonly Doc[];
  readonly ignoreMessages: readonly Doc[];
  readonly ignoreExtraMessages: boolean;
}

/** Reads one expectLogMessages entry, naming the bad part of a malformed one. */
export function parseExpectedLogs(raw: unknown, path: string): ExpectedLogMessagesForClient {
  if (!isDocument(raw)) throw new LogExpectationError(`${path}: must be an object`);
  for (const key of Object.keys(raw)) if (!forClientKeys.has(key)) throw new LogExpectationError(`${path}: unknown field '${key}'`);
  if (typeof raw['client'] !== 'string') throw new LogExpectationError(`${path}.client: must be a string`);
  const list = (key: string): Doc[] => {
    const value = raw[key] ?? [];
    if (!Array.isArray(value)) throw new LogExpectationError(`${path}.${key}: must be an array`);
    value.forEach((m, i) => checkExpectedMessage(m, `${path}.${key}[${i}]`));
    return value as Doc[];
  };
  if (raw['messages'] === undefined) throw new LogExpectationError(`${path}.messages: is required`);
  const ignoreExtra = raw['ignoreExtraMessages'] ?? false;
  if (typeof ignoreExtra !== 'boolean') throw new LogExpectationError(`${path}.ignoreExtraMessages: must be a boolean`);
  return { client: raw['client'], messages: list('messages'), ignoreMessages: list('ignoreMessages'), ignoreExtraMessages: ignoreExtra };
}

function checkExpectedMessage(m: unknown, path: string): void {
  if (!isDocument(m)) throw new LogExpectationError(`${path}: must be an object`);
  for (const key of Object.keys(m)) if (!expectedKeys.has(key)) throw new LogExpectationError(`${path}: unknown field '${key}'`);
  if (typeof m['level'] !== 'string') throw new LogExpectationError(`${path}.level: must be a string`);
  if (typeof m['component'] !== 'string') throw new LogExpectationError(`${path}.component: must be a string`);
  if (!isDocument(m['data'])) throw new LogExpectationError(`${path}.data: must be an object`);
  if (m['failureIsRedacted'] !== undefined && typeof m['failureIsRedacted'] !== 'boolean') throw new LogExpectationError(`${path}.failureIsRedacted: must be a boolean`);
}

/** Throws a SpecMismatch (with the path) when `observed` is not `expected`. */
export function matchLogMessage(expected: Doc, observed: ObservedLogMessage, path: string, entities: MatchEntities): void {
  if (observed.level !== expected['level']) throw new SpecMismatch(`${path}.level`, expected['level'], observed.level, `message ${show(observed.data['message'])}`);
  if (observed.component !== expected['component']) throw new SpecMismatch(`${path}.component`, expected['component'], observed.component, `message ${show(observed.data['message'])}`);
  assertUnifiedMatch(expected['data'], observed.data, `${path}.data`, { root: true, entities });
  const redacted = expected['failureIsRedacted'];
  if (typeof redacted === 'boolean') {
    const failure = observed.data['failure'];
    if (!isDocument(failure)) throw new SpecMismatch(`${path}.failureIsRedacted`, 'a failure', failure);
    const hasMessage = typeof failure['message'] === 'string' && failure['message'].length > 0;
    if (redacted === hasMessage) throw new SpecMismatch(`${path}.failureIsRedacted`, redacted ? 'a redacted failure (no message)' : 'an unredacted failure (with its message)', failure);
  }
}

function matches(expected: Doc, observed: ObservedLogMessage, entities: MatchEntities): boolean {
  try {
    matchLogMessage(expected, observed, 'ignoreMessages', entities);
    return true;
  } catch (error) {
    if (error instanceof SpecMismatch) return false;
    throw error;
  }
}

function summary(o: ObservedLogMessage): string {
  return `${o.component}/${o.level} ${String(o.data['message'])}`;
}

export function assertExpectedLogs(expected: ExpectedLogMessagesForClient, observed: readonly ObservedLogMessage[], entities: MatchEntities, path: string): void {
  const kept = observed.filter((o) => !expected.ignoreMessages.some((ignore) => matches(ignore, o, entities)));
  const want = expected.messages;
  if (kept.length < want.length || (!expected.ignoreExtraMessages && kept.length !== want.length)) {
    throw new SpecMismatch(`${path}.messages.length`, want.length, kept.length, `observed ${show(kept.map(summary))}`);
  }
  want.forEach((m, i) => matchLogMessage(m, kept[i]!, `${path}.messages[${i}]`, entities));
}
