/**
 * command-logging-and-monitoring.md "Security": sensitive commands are published with an empty
 * command and reply, and a server failure keeps only code, codeName and errorLabels.
 */
import { MongoServerError } from '../errors.js';
import { commandNameOf } from './commands.js';
import type { Document } from './errors.js';

/** CLAM "Security": the list of sensitive commands (exact names, as the server spells them). */
const sensitiveCommands: ReadonlySet<string> = new Set([
  'authenticate',
  'saslStart',
  'saslContinue',
  'getnonce',
  'createUser',
  'updateUser',
  'copydbgetnonce',
  'copydbsaslstart',
  'copydb',
]);

/** `hello`, or legacy hello in either casing (handshake spec), carrying speculativeAuthenticate. */
export function isSensitiveCommand(command: Document): boolean {
  const name = commandNameOf(command);
  if (name === null) return false;
  if (sensitiveCommands.has(name)) return true;
  const isHello = name === 'hello' || name.toLowerCase() === 'ismaster';
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
