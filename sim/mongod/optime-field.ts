/** Reading optimes out of internal (member-to-member) commands. */
import type { Document } from '../protocol.js';
import { CommandError, ErrorCodes } from './errors.js';
import type { OpTime } from './oplog.js';
import { isPlainObject } from './values.js';

/** Reads an `{ts, t}` optime field of an internal command, or throws BadValue naming the field. */
export function opTimeField(body: Readonly<Document>, field: string): OpTime {
  const value = body[field];
  if (isPlainObject(value) && typeof value['ts'] === 'number' && typeof value['t'] === 'number') return value as unknown as OpTime;
  throw new CommandError(ErrorCodes.BadValue, `'${field}' must be an optime {ts, t}`);
}
