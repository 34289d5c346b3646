/**
 * Errors built from server replies. A reply with `ok: 0` becomes a MongoServerError; an
 * acknowledged reply carrying `writeConcernError` becomes a MongoWriteConcernError (as in the
 * Node driver). Messages come from the server's `errmsg`, never from the command sent.
 */
import { MongoServerError } from '../errors.js';

/** The write was applied but its write concern failed (`writeConcernError` in an `ok: 1` reply). */
export class MongoWriteConcernError extends MongoServerError {
  /** The whole reply, e.g. for the write result it still carries. */
  readonly result: Readonly<Record<string, unknown>>;
  constructor(message: string, fields: { code?: number; codeName?: string; errorLabels?: readonly string[] }, result: Readonly<Record<string, unknown>>) {
    super(message, fields);
    this.result = result;
  }
  override get name(): string {
    return 'MongoWriteConcernError';
  }
}

export type Document = Readonly<Record<string, unknown>>;

export function isDocument(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** CLAM "Succeeded or Failed": `{ok: 1}` is success; anything else is a failed command. */
export function isOkReply(reply: Document): boolean {
  const ok = reply.ok;
  return ok === 1 || ok === true;
}

/** The MongoServerError of a failed (`ok` not 1) reply. */
export function serverErrorFromReply(reply: Document): MongoServerError {
  return new MongoServerError(messageOf(reply.errmsg, 'command failed'), {
    ...codeFields(reply),
    errorLabels: stringList(reply.errorLabels),
    errorResponse: reply,
  });
}

/** The MongoWriteConcernError of an `ok: 1` reply with `writeConcernError`, or null. */
export function writeConcernErrorFromReply(reply: Document): MongoWriteConcernError | null {
  const wce = reply.writeConcernError;
  if (!isDocument(wce)) return null;
  // Labels sit at the reply's top level; some servers also put them inside writeConcernError.
  const labels = [...new Set([...stringList(reply.errorLabels), ...stringList(wce.errorLabels)])];
  return new MongoWriteConcernError(messageOf(wce.errmsg, 'write concern error'), { ...codeFields(wce), errorLabels: labels }, reply);
}

function codeFields(doc: Document): { code?: number; codeName?: string } {
  const fields: { code?: number; codeName?: string } = {};
  if (typeof doc.code === 'number' && Number.isInteger(doc.code)) fields.code = doc.code;
  if (typeof doc.codeName === 'string') fields.codeName = doc.codeName;
  return fields;
}

function messageOf(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

function stringList(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((x): x is string => typeof x === 'string');
}
