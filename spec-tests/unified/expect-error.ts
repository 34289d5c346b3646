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
  if (expected['writeErrors'] !== undefined || expected['writeConcernErrors'] !== undefined) throw new MissingFeature('clientBulkWrite errors (writeErrors/writeConcernErrors)');
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
