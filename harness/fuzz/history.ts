/**
 * The history of a fuzz run: every client operation, from invocation to its outcome, with the
 * server each attempt went to. Checkers (checkers.ts) read it together with the cluster.
 *
 * Outcomes, as a client can know them:
 *  - ok: acknowledged (no write error, no write concern error);
 *  - failed: certainly not applied (no attempt reached a server, or the only attempt was
 *    refused before executing: NotWritablePrimary and friends);
 *  - unknown: maybe applied (a network error, a timeout, a write concern error, a retry);
 *  - pending: no outcome when the run ended.
 */
import type { WriteConcernW, ClientReadConcern, ClientReadPreference } from '../../sim/scenario/schema.js';

export type OpOutcome = 'pending' | 'ok' | 'failed' | 'unknown';

/** One attempt of an operation: where it went and what the client believed that server was. */
export interface OpSend {
  readonly atMs: number;
  readonly address: string;
  /** The server's type in the client's own topology description when the command went out. */
  readonly serverType: string;
}

export interface HistoryOp {
  /** 1-based, in invocation order. */
  readonly id: number;
  readonly client: string;
  readonly kind: 'write' | 'read';
  /** A write's document `_id` (also the command's `comment`); for a read, `read-<id>`. */
  readonly key: string;
  readonly w?: WriteConcernW;
  readonly j?: boolean;
  readonly readConcern?: ClientReadConcern;
  readonly readPreference: ClientReadPreference;
  readonly retry: boolean;
  readonly invokedMs: number;
  completedMs: number | null;
  outcome: OpOutcome;
  /** The server of the last attempt (null when none was selected). */
  address: string | null;
  attempts: number;
  error: string | null;
  /** A read's result: document `_id` → its `n`. */
  seen: Map<string, number> | null;
  readonly sends: OpSend[];
}

/** Bound on recorded operations per run (a fuzz run has a few dozen). */
export const maxHistoryOps = 1_000_000;

/** What a client did that a checker judges as it happens (checkers.ts names the checker). */
export interface ClientObservation {
  readonly checker: 'sendsMatchReadPreference' | 'clientRejectsStalePrimary';
  readonly client: string;
  readonly atMs: number;
  readonly detail: string;
}

export class History {
  readonly ops: HistoryOp[] = [];
  readonly observations: ClientObservation[] = [];
  private readonly byKey = new Map<string, HistoryOp>();

  invoke(fields: Omit<HistoryOp, 'id' | 'completedMs' | 'outcome' | 'address' | 'attempts' | 'error' | 'seen' | 'sends' | 'key'> & { key?: string }): HistoryOp {
    if (this.ops.length >= maxHistoryOps) throw new RangeError(`History: more than ${maxHistoryOps} operations in one run`);
    const id = this.ops.length + 1;
    const op: HistoryOp = {
      ...fields,
      id,
      key: fields.key ?? `read-${id}`,
      completedMs: null,
      outcome: 'pending',
      address: null,
      attempts: 0,
      error: null,
      seen: null,
      sends: [],
    };
    this.ops.push(op);
    this.byKey.set(op.key, op);
    return op;
  }

  /** The operation whose command carries `comment: key`. */
  byComment(key: unknown): HistoryOp | undefined {
    return typeof key === 'string' ? this.byKey.get(key) : undefined;
  }

  /** The write that created document `_id`. */
  writeOf(documentId: unknown): HistoryOp | undefined {
    const op = this.byKey.get(String(documentId));
    return op?.kind === 'write' ? op : undefined;
  }
}

/** One line naming an operation, for checker messages: `#12 c1 write w:majority c1-3 ok @1.2s via a:27017`. */
export function describeOp(op: HistoryOp): string {
  const concern = op.kind === 'write' ? ` w:${String(op.w)}${op.j === undefined ? '' : ` j:${op.j}`}` : `${op.readConcern === undefined ? '' : ` rc:${op.readConcern}`} rp:${op.readPreference}`;
  const via = op.address === null ? '' : ` via ${op.address}`;
  const done = op.completedMs === null ? '' : `..${op.completedMs}ms`;
  return `#${op.id} ${op.client} ${op.kind}${concern} ${op.kind === 'write' ? `${op.key} ` : ''}${op.outcome} @${op.invokedMs}ms${done}${via}${op.retry ? '' : ' (no retries)'}${op.error === null ? '' : ` [${op.error}]`}`;
}
