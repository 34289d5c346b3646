/**
 * The data a mongod holds: in-memory collections derived entirely from the oplog (applying an
 * entry is the only way data changes), plus the retryable-write record.
 *
 * Rollback and crash recovery must bring the data back to "the surviving oplog applied". Replaying
 * the whole oplog costs O(oplog) per fault, which made long runs slow down day after day, so each
 * applied entry leaves an undo record and `revertTo` undoes the newest ones instead. Undo records
 * for entries that can no longer be taken back (majority-committed and journaled) are dropped as
 * `stableCount` advances, so their number stays bounded by the uncommitted tail.
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

/** How an applied entry is taken back. */
type Undo =
  | { readonly kind: 'doc'; readonly ns: string; readonly key: string; readonly previous: Doc | undefined; readonly createdCollection: boolean; readonly session: SessionUndo | null }
  | { readonly kind: 'create'; readonly ns: string; readonly existed: boolean; readonly session: SessionUndo | null }
  | { readonly kind: 'drop'; readonly ns: string; readonly previous: Collection | undefined; readonly session: SessionUndo | null }
  | { readonly kind: 'none'; readonly session: SessionUndo | null };

/** The retryable-write record before an entry changed it. */
type SessionUndo =
  | { readonly kind: 'session'; readonly lsid: string; readonly previous: SessionRecord | undefined }
  | { readonly kind: 'statement'; readonly session: SessionRecord; readonly stmtId: number; readonly previous: TxnRecord | undefined };

/** Undo records are pruned (down to the stable count) once this many are held. */
export const undoPruneThreshold = 1024;

export class Storage {
  readonly collections = new Map<string, Collection>();
  readonly sessions = new Map<string, SessionRecord>();
  /** Logical oplog count of entries applied: entry `appliedCount - 1` is the newest. */
  appliedCount = 0;
  /** Undo records of the entries [appliedCount - undo.length + undoHead, appliedCount), oldest first. */
  private undo: Undo[] = [];
  private undoHead = 0;

  /**
   * @param stableCount entries [0, stableCount()) will never be taken back (committed and
   *   journaled): their undo records may be dropped.
   * @param appliedCount the logical oplog index the first applied entry will have.
   */
  constructor(private readonly stableCount: () => number = () => 0, appliedCount = 0) {
    this.appliedCount = appliedCount;
  }

  /** Logical index of the oldest entry that can still be taken back. */
  get revertibleFrom(): number {
    return this.appliedCount - (this.undo.length - this.undoHead);
  }

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
    let undo: Undo;
    switch (entry.op) {
      case 'i':
      case 'u': {
        const key = valueKey(entry.op === 'i' ? entry.o['_id'] : entry.o2?.['_id']);
        const createdCollection = !this.collections.has(entry.ns);
        const docs = this.ensureCollection(entry.ns).docs;
        undo = { kind: 'doc', ns: entry.ns, key, previous: docs.get(key), createdCollection, session: null };
        docs.set(key, entry.o as Doc);
        break;
      }
      case 'd': {
        const key = valueKey(entry.o['_id']);
        const docs = this.collections.get(entry.ns)?.docs;
        undo = { kind: 'doc', ns: entry.ns, key, previous: docs?.get(key), createdCollection: false, session: null };
        docs?.delete(key);
        break;
      }
      case 'c': {
        const db = entry.ns.slice(0, entry.ns.indexOf('.'));
        if (typeof entry.o['create'] === 'string') {
          const ns = `${db}.${entry.o['create']}`;
          undo = { kind: 'create', ns, existed: this.collections.has(ns), session: null };
          this.ensureCollection(ns);
        } else if (typeof entry.o['drop'] === 'string') {
          const ns = `${db}.${entry.o['drop']}`;
          undo = { kind: 'drop', ns, previous: this.collections.get(ns), session: null };
          this.collections.delete(ns);
        } else {
          undo = { kind: 'none', session: null };
        }
        break;
      }
      case 'n': undo = { kind: 'none', session: null }; break;
    }
    if (entry.txn !== undefined) undo = { ...undo, session: this.recordStatement(entry.txn) };
    this.undo.push(undo);
    this.appliedCount++;
    if (this.undo.length - this.undoHead > undoPruneThreshold) this.pruneUndo();
  }

  private recordStatement(record: TxnRecord): SessionUndo | null {
    let session = this.sessions.get(record.lsid);
    let undo: SessionUndo | null = null;
    if (session === undefined || session.txnNumber < record.txnNumber) {
      undo = { kind: 'session', lsid: record.lsid, previous: session };
      session = { txnNumber: record.txnNumber, statements: new Map() };
      this.sessions.set(record.lsid, session);
    }
    if (session.txnNumber === record.txnNumber) {
      // A fresh session's map is new, so its first statement needs no undo of its own.
      undo ??= { kind: 'statement', session, stmtId: record.stmtId, previous: session.statements.get(record.stmtId) };
      session.statements.set(record.stmtId, record);
    }
    return undo;
  }

  /**
   * Takes back the newest entries until only the first `keep` (logical count) are applied.
   * Returns false, changing nothing, when an entry to take back has no undo record left (it was
   * stable): the caller must then rebuild from the oplog.
   */
  revertTo(keep: number): boolean {
    if (keep >= this.appliedCount) return true;
    if (keep < this.revertibleFrom) return false;
    while (this.appliedCount > keep) {
      const undo = this.undo.pop() as Undo;
      this.appliedCount--;
      this.takeBack(undo);
    }
    return true;
  }

  private takeBack(undo: Undo): void {
    const s = undo.session;
    if (s !== null) {
      if (s.kind === 'session') {
        if (s.previous === undefined) this.sessions.delete(s.lsid);
        else this.sessions.set(s.lsid, s.previous);
      } else if (s.previous === undefined) {
        s.session.statements.delete(s.stmtId);
      } else {
        s.session.statements.set(s.stmtId, s.previous);
      }
    }
    switch (undo.kind) {
      case 'doc': {
        if (undo.createdCollection) {
          this.collections.delete(undo.ns);
          break;
        }
        const docs = this.collections.get(undo.ns)?.docs;
        if (docs === undefined) break;
        if (undo.previous === undefined) docs.delete(undo.key);
        else docs.set(undo.key, undo.previous);
        break;
      }
      case 'create':
        if (!undo.existed) this.collections.delete(undo.ns);
        break;
      case 'drop':
        if (undo.previous !== undefined) this.collections.set(undo.ns, undo.previous);
        break;
      case 'none':
        break;
    }
  }

  /** Drops the undo records of entries that became stable. */
  private pruneUndo(): void {
    const droppable = Math.min(this.stableCount(), this.appliedCount) - this.revertibleFrom;
    if (droppable <= 0) return;
    this.undoHead += droppable;
    if (this.undoHead > this.undo.length - this.undoHead) {
      this.undo = this.undo.slice(this.undoHead);
      this.undoHead = 0;
    }
  }

  /** Forgets everything (before a replay). */
  clear(): void {
    this.collections.clear();
    this.sessions.clear();
    this.undo = [];
    this.undoHead = 0;
    this.appliedCount = 0;
  }
}
