/**
 * What whoever drives the monitor machine tells it (the inputs), and their validation: a
 * malformed input is rejected with an error naming the bad field, never half-applied.
 */
import { MongoInvalidArgumentError } from '../errors.js';
import type { CheckFailureKind } from './events.js';
import type { HelloReply } from './hello-reply.js';

/** Failures the driver reports; `cancelled` is produced by the machine itself. */
export type ReportedFailureKind = Exclude<CheckFailureKind, 'cancelled'>;

export type MonitorInput =
  /** The time given by the last wakeAt has come. (Any input also runs whatever is due.) */
  | { readonly type: 'timerFired' }
  /** server-monitoring.md "Requesting an immediate check" (e.g. after a "not writable primary" error). */
  | { readonly type: 'requestCheck' }
  /**
   * The check `checkId` returned a reply. `durationMS` defaults to the time since the check
   * (or, for an exhaust stream, the previous reply). `moreToCome`: the server will stream the
   * next reply without a new request (OP_MSG moreToCome); only meaningful for `stream` checks.
   */
  | { readonly type: 'checkSucceeded'; readonly checkId: number; readonly reply: HelloReply; readonly durationMS?: number; readonly moreToCome?: boolean }
  | { readonly type: 'checkFailed'; readonly checkId: number; readonly failure: { readonly kind: ReportedFailureKind; readonly message: string }; readonly durationMS?: number }
  /**
   * SDAM marked the server Unknown after a network error on an application connection: cancel
   * the check in flight and close the monitoring connection (SDAM "Network error when reading
   * or writing", server-monitoring.md "Drivers cancel in-progress monitor checks").
   */
  | { readonly type: 'cancelCheck' }
  | { readonly type: 'rttPingSucceeded'; readonly pingId: number; readonly durationMS?: number }
  | { readonly type: 'rttPingFailed'; readonly pingId: number }
  /** The client is closing: cancel everything. Later inputs are ignored. */
  | { readonly type: 'close' };

const reportedFailureKinds: readonly ReportedFailureKind[] = ['network', 'timeout', 'command'];

/** A malformed `nowMs` is rejected; an earlier one is not malformed (core/machine.ts clamps it). */
export function checkNow(nowMs: number): void {
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw new MongoInvalidArgumentError(`now must be a finite number of milliseconds, got ${String(nowMs)}`);
}

function validateDuration(name: string, value: number | undefined): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
    throw new MongoInvalidArgumentError(`${name} must be a finite number of milliseconds >= 0, got ${String(value)}`);
  }
}

function validateId(inputType: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new MongoInvalidArgumentError(`${inputType}.${name} must be an integer, got ${String(value)}`);
  }
}

/** Rejects malformed inputs with an error naming the bad field. */
export function validateInput(input: MonitorInput): void {
  if (input === null || typeof input !== 'object') throw new MongoInvalidArgumentError('monitor input must be an object with a type');
  switch (input.type) {
    case 'timerFired':
    case 'requestCheck':
    case 'cancelCheck':
    case 'close':
      return;
    case 'checkSucceeded':
      validateId(input.type, 'checkId', input.checkId);
      if (input.reply === null || typeof input.reply !== 'object' || Array.isArray(input.reply)) {
        throw new MongoInvalidArgumentError('checkSucceeded.reply must be the hello reply document');
      }
      validateDuration('checkSucceeded.durationMS', input.durationMS);
      if (input.moreToCome !== undefined && typeof input.moreToCome !== 'boolean') {
        throw new MongoInvalidArgumentError(`checkSucceeded.moreToCome must be a boolean, got ${String(input.moreToCome)}`);
      }
      return;
    case 'checkFailed':
      validateId(input.type, 'checkId', input.checkId);
      if (input.failure === null || typeof input.failure !== 'object' || !reportedFailureKinds.includes(input.failure.kind)) {
        throw new MongoInvalidArgumentError(`checkFailed.failure.kind must be one of ${reportedFailureKinds.join(', ')}`);
      }
      if (typeof input.failure.message !== 'string') throw new MongoInvalidArgumentError('checkFailed.failure.message must be a string');
      validateDuration('checkFailed.durationMS', input.durationMS);
      return;
    case 'rttPingSucceeded':
      validateId(input.type, 'pingId', input.pingId);
      validateDuration('rttPingSucceeded.durationMS', input.durationMS);
      return;
    case 'rttPingFailed':
      validateId(input.type, 'pingId', input.pingId);
      return;
    default:
      throw new MongoInvalidArgumentError(`unknown monitor input type ${String((input as { type?: unknown }).type)}`);
  }
}
