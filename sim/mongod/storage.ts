/**
 * The data a mongod holds: in-memory collections derived entirely from the oplog (applying an
 * entry is the only way data changes), plus the retryable-write record. Because data is
 * derived, rollback and crash recovery rebuild it by replaying the surviving oplog.
 */
import type { OplogEntry, TxnRecord } from './oplog.js';
import type { Doc } from './query.js';
import { valueKey } from './values.js';

export class Collection {
  readonly docs = new Map<string, Doc>();
}

/** One session's retryable-write state: the latest txnNumber and its executed statements. */
export interface SessionRecord {
  txnNumber: number;
  readonly statements: Map<number, TxnRecord>;
}

export class Storage {
  readonly collections = new Map<string, Collection>();
  readonly sessions = new Map<string, SessionRecord>();

  collection(ns: string): Collection | undefined {
    return this.collections.get(ns);
  }

  ensureCollection(ns: string): Collection {
    let c = this.collections.get(ns);
    if (c === undefined) {
      c = new Collection();
      this.collections.set(ns, c);
    }
    return c;
  }

  /** Applies one oplog entry. Idempotent for 'i'/'u'/'d' (post-image form), as oplog application must be. */
  apply(entry: OplogEntry): void {
    switch (entry.op) {
      case 'i': this.ensureCollection(entry.ns).docs.set(valueKey(entry.o['_id']), entry.o as Doc); break;
      case 'u': this.ensureCollection(entry.ns).docs.set(valueKey(entry.o2?.['_id']), entry.o as Doc); break;
      case 'd': this.collections.get(entry.ns)?.docs.delete(valueKey(entry.o['_id'])); break;
      case 'c': {
        const db = entry.ns.slice(0, entry.ns.indexOf('.'));
        if (typeof entry.o['create'] === 'string') this.ensureCollection(`${db}.${entry.o['create']}`);
        if (typeof entry.o['drop'] === 'string') this.collections.delete(`${db}.${entry.o['drop']}`);
        break;
      }
      case 'n': break;
    }
    if (entry.txn !== undefined) this.recordStatement(entry.txn);
  }

  private recordStatement(record: TxnRecord): void {
    let session = this.sessions.get(record.lsid);
    if (session === undefined || session.txnNumber < record.txnNumber) {
      session = { txnNumber: record.txnNumber, statements: new Map() };
      this.sessions.set(record.lsid, session);
    }
    if (session.txnNumber === record.txnNumber) session.statements.set(record.stmtId, record);
  }

  /** Forgets everything (before a replay). */
  clear(): void {
    this.collections.clear();
    this.sessions.clear();
  }
}
