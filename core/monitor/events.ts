/**
 * What the monitor publishes: the SDAM heartbeat events (defined by the SDAM engineer in
 * core/sdam/events.ts, with the official Node driver's field names) and the errors they carry.
 */
import { MongoNetworkError, MongoServerError } from '../errors.js';
import { maxFailureMessageChars } from './constants.js';
import { replyField, type HelloReply } from './hello-reply.js';

export type {
  ServerHeartbeatEvent,
  ServerHeartbeatFailedEvent,
  ServerHeartbeatStartedEvent,
  ServerHeartbeatSucceededEvent,
} from '../sdam/events.js';

/**
 * Why a check produced no usable reply. The first three match core/sdam's CheckFailureInput
 * kinds; `cancelled` is the client interrupting its own check (cancelCheck or close).
 */
export type CheckFailureKind = 'network' | 'timeout' | 'command' | 'cancelled';

/**
 * The `failure` of a ServerHeartbeatFailedEvent: MongoServerError for `ok: 0` (with the
 * reply's code, codeName and labels when known), MongoNetworkError otherwise. `message` must
 * already be free of credentials.
 */
export function heartbeatFailure(kind: CheckFailureKind, message: string, reply: HelloReply | null = null): Error {
  if (kind !== 'command') return new MongoNetworkError(message);
  if (reply === null) return new MongoServerError(message);
  const code = replyField(reply, 'code');
  const codeName = replyField(reply, 'codeName');
  const labels = replyField(reply, 'errorLabels');
  return new MongoServerError(message, {
    ...(typeof code === 'number' ? { code } : {}),
    ...(typeof codeName === 'string' ? { codeName } : {}),
    ...(Array.isArray(labels) ? { errorLabels: labels.filter((l): l is string => typeof l === 'string') } : {}),
  });
}

/** Removes URI user info and bounds the length, so failures never carry credentials or whole replies. */
export function redactFailureMessage(message: string): string {
  const redacted = message.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/gi, '$1<credentials>@');
  return redacted.length > maxFailureMessageChars ? `${redacted.slice(0, maxFailureMessageChars)}…` : redacted;
}
