/**
 * command-logging-and-monitoring.md "Security": sensitive commands are published with an empty
 * command and reply, and a server failure keeps only code, codeName and errorLabels.
 */
import { MongoServerError } from '../errors.js';
import { commandNameOf } from './commands.js';
import type { Document } from './errors.js';

/**
 * CLAM "Security": the list of sensitive commands, lower-cased. Names are compared
 * case-insensitively: the spec already asks for that of legacy hello ("two different letter
 * casings"), and a redaction check that a different casing slips past would leak credentials.
 */
const sensitiveCommands: ReadonlySet<string> = new Set([
  'authenticate',
  'saslstart',
  'saslcontinue',
  'getnonce',
  'createuser',
  'updateuser',
  'copydbgetnonce',
  'copydbsaslstart',
  'copydb',
]);

/** A sensitive command, or `hello` / legacy hello (any casing) carrying speculativeAuthenticate. */
export function isSensitiveCommand(command: Document): boolean {
  const name = commandNameOf(command)?.toLowerCase() ?? null;
  if (name === null) return false;
  if (sensitiveCommands.has(name)) return true;
  const isHello = name === 'hello' || name === 'ismaster';
  return isHello && 'speculativeAuthenticate' in command;
}

const emptyDocument: Document = Object.freeze({});

export function redactedDocument(sensitive: boolean, doc: Document): Document {
  return sensitive ? emptyDocument : doc;
}

/** A server-side failure of a sensitive command keeps only code, codeName and errorLabels. */
export function redactedFailure(sensitive: boolean, failure: Error): Error {
  if (!sensitive || !(failure instanceof MongoServerError)) return failure;
  const fields: { code?: number; codeName?: string; errorLabels: readonly string[] } = { errorLabels: failure.errorLabels };
  if (failure.code !== undefined) fields.code = failure.code;
  if (failure.codeName !== undefined) fields.codeName = failure.codeName;
  return new MongoServerError('', fields);
}
