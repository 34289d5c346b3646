/**
 * operation.expectError (unified-test-format.md "expectedError"): isError, isClientError,
 * isTimeoutError, errorContains, errorCode, errorCodeName, errorLabelsContain,
 * errorLabelsOmit, errorResponse and expectResult, checked against the error an operation
 * raised. A server error is one built from a server reply (MongoServerError and its
 * subclasses); every other error (argument checks, network, selection) is a client error.
 */
import { MongoServerError } from '../../core/errors.js';
import { SpecMismatch, show } from '../assert.js';
import { assertUnifiedMatch, type MatchEntities } from './matcher.js';
import { MissingFeature } from './missing-feature.js';
import type { Doc } from './schema.js';

const expectErrorKeys = new Set([
  'isError', 'isClientError', 'isTimeoutError', 'errorContains', 'errorCode', 'errorCodeName', 'errorLabelsContain', 'errorLabelsOmit',
  'errorResponse', 'expectResult', 'writeErrors', 'writeConcernErrors',
]);

function labelsOf(error: unknown): readonly string[] {
  const labels = (error as { errorLabels?: unknown }).errorLabels;
  return Array.isArray(labels) ? (labels as string[]) : [];
}

export function isServerError(error: unknown): boolean {
  return error instanceof MongoServerError;
}

export function assertExpectedError(expected: Doc, error: unknown, path: string, entities: MatchEntities): void {
  for (const key of Object.keys(expected)) if (!expectErrorKeys.has(key)) throw new SpecMismatch(`${path}.${key}`, 'a known expectError field', key);
  const message = error instanceof Error ? error.message : String(error);
  const described = `${error instanceof Error ? error.name : typeof error}: ${message}`;
  if (expected['isClientError'] !== undefined) {
    const client = !isServerError(error);
    if (client !== expected['isClientError']) throw new SpecMismatch(`${path}.isClientError`, expected['isClientError'], client, described);
  }
  if (expected['isTimeoutError'] !== undefined) {
    if (expected['isTimeoutError'] === true) throw new MissingFeature('client-side operation timeouts (timeoutMS)');
  }
  if (expected['errorContains'] !== undefined) {
    const want = String(expected['errorContains']).toLowerCase();
    if (!message.toLowerCase().includes(want)) throw new SpecMismatch(`${path}.errorContains`, expected['errorContains'], message);
  }
  if (expected['errorCode'] !== undefined) {
    const code = (error as { code?: unknown }).code;
    if (!isServerError(error) || code !== expected['errorCode']) throw new SpecMismatch(`${path}.errorCode`, expected['errorCode'], code, described);
  }
  if (expected['errorCodeName'] !== undefined) {
    const name = (error as { codeName?: unknown }).codeName;
    if (!isServerError(error) || typeof name !== 'string' || name.toLowerCase() !== String(expected['errorCodeName']).toLowerCase()) {
      throw new SpecMismatch(`${path}.errorCodeName`, expected['errorCodeName'], name, described);
    }
  }
  const labels = labelsOf(error);
  for (const label of (expected['errorLabelsContain'] as string[] | undefined) ?? []) {
    if (!labels.includes(label)) throw new SpecMismatch(`${path}.errorLabelsContain`, label, labels, described);
  }
  for (const label of (expected['errorLabelsOmit'] as string[] | undefined) ?? []) {
    if (labels.includes(label)) throw new SpecMismatch(`${path}.errorLabelsOmit`, `no ${label}`, labels, described);
  }
  if (expected['errorResponse'] !== undefined) {
    const response = (error as { errorResponse?: unknown }).errorResponse;
    if (response === undefined) throw new MissingFeature('the server reply on client errors (errorResponse)');
    assertUnifiedMatch(expected['errorResponse'], response, `${path}.errorResponse`, { root: true, entities });
  }
  assertBulkWriteErrors(expected, error, path, entities);
  if (expected['expectResult'] !== undefined) {
    const result = (error as { result?: unknown }).result;
    try {
      assertUnifiedMatch(expected['expectResult'], result, `${path}.expectResult`, { root: true, entities });
    } catch (mismatch) {
      if (mismatch instanceof SpecMismatch) throw new SpecMismatch(mismatch.path, mismatch.expected, mismatch.actual, `result ${show(result)}`);
      throw mismatch;
    }
  }
}

/**
 * writeErrors (index → error, no others) and writeConcernErrors (in order, no others), each
 * matched as a root-level document: the clientBulkWrite error's fields (MongoClientBulkWriteError).
 */
function assertBulkWriteErrors(expected: Doc, error: unknown, path: string, entities: MatchEntities): void {
  if (expected['writeErrors'] !== undefined) {
    const actual = (error as { writeErrors?: unknown }).writeErrors;
    if (!(actual instanceof Map)) throw new SpecMismatch(`${path}.writeErrors`, 'a clientBulkWrite error with writeErrors', show(error));
    const want = expected['writeErrors'] as Doc;
    for (const [index, e] of Object.entries(want)) {
      if (!actual.has(Number(index))) throw new SpecMismatch(`${path}.writeErrors.${index}`, e, undefined, `actual indexes ${JSON.stringify([...actual.keys()])}`);
      assertUnifiedMatch(e, actual.get(Number(index)), `${path}.writeErrors.${index}`, { root: true, entities });
    }
    if (actual.size !== Object.keys(want).length) throw new SpecMismatch(`${path}.writeErrors`, Object.keys(want), [...actual.keys()], 'extra write errors');
  }
  if (expected['writeConcernErrors'] !== undefined) {
    const actual = (error as { writeConcernErrors?: unknown }).writeConcernErrors;
    const want = expected['writeConcernErrors'] as unknown[];
    if (!Array.isArray(actual)) throw new SpecMismatch(`${path}.writeConcernErrors`, want, undefined, show(error));
    if (actual.length !== want.length) throw new SpecMismatch(`${path}.writeConcernErrors.length`, want.length, actual.length, show(actual));
    want.forEach((e, i) => assertUnifiedMatch(e, actual[i], `${path}.writeConcernErrors[${i}]`, { root: true, entities }));
  }
}
