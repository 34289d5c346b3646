/**
 * The data commands (reads, writes, cursors) as a member serves them: who may read (a
 * secondary only with a non-primary read preference) or write (a writable primary), the
 * onPrimaryTransactionalWrite fail point, oplog-recorded writes and write concern waiting.
 * The command semantics themselves are in crud.ts.
 */
import { aggregateWriteCommand } from './aggregate-write.js';
import { bulkWriteCommand } from './bulk-write-command.js';
import type { ObjectId } from 'bson';
import type { Trace } from '../kernel/trace.js';
import type { Document } from '../protocol.js';
import { CloseConnection } from './connection.js';
import * as crud from './crud.js';
import type { CursorRegistry } from './cursors.js';
import type { DurableState } from './durable-state.js';
import { CommandError, ErrorCodes } from './errors.js';
import type { FailPoints } from './failpoints.js';
import { MemberState } from './member-state.js';
import type { OplogWriter } from './oplog-writer.js';
import type { Doc } from './query.js';
import type { RoleState } from './role.js';
import type { Storage } from './storage.js';
import { isPlainObject } from './values.js';
import { type ServerVersion, maxWireVersionOf } from './versions.js';
import type { WriteConcernWaiters } from './write-concern-wait.js';
import { parseWriteConcern } from './write-concern.js';

/** From this wire version on, dropping a missing collection succeeds (MongoDB 7.0). */
const dropMissingIsOkMinWireVersion = 21;

export interface DataCommandDeps {
  readonly host: string;
  readonly replSet: string | undefined;
  readonly version: ServerVersion;
  readonly durable: DurableState;
  readonly role: RoleState;
  readonly cursors: CursorRegistry;
  readonly failPoints: FailPoints;
  readonly trace: Trace;
  readonly writer: Pick<OplogWriter, 'append'>;
  readonly writeConcern: Pick<WriteConcernWaiters, 'wait'>;
  storage(): Storage;
  newObjectId(): ObjectId;
}

export class DataCommands {
  constructor(private readonly deps: DataCommandDeps) {}

  private readPreferenceAllowsSecondary(body: Readonly<Document>): boolean {
    const rp = body['$readPreference'];
    if (!isPlainObject(rp)) return false;
    const mode = rp['mode'];
    return typeof mode === 'string' && mode !== 'primary';
  }

  /** Throws the NotPrimary-family error a client would get reading here. */
  checkCanRead(body: Readonly<Document>): void {
    if (this.deps.replSet === undefined) return;
    const state = this.deps.role.state;
    if (state === MemberState.PRIMARY) return;
    if (state === MemberState.SECONDARY) {
      if (this.readPreferenceAllowsSecondary(body)) return;
      throw new CommandError(ErrorCodes.NotPrimaryNoSecondaryOk, 'not primary and secondaryOk=false');
    }
    throw new CommandError(ErrorCodes.NotPrimaryOrSecondary, 'node is not in primary or recovering state');
  }

  find(db: string, body: Readonly<Document>): Doc {
    this.checkCanRead(body);
    return this.deps.cursors.open(crud.findCommand(this.deps.storage(), db, body));
  }

  /** count, aggregate, distinct, listCollections, listDatabases, listIndexes (read-preference checked). */
  read(db: string, name: string, body: Readonly<Document>): Doc {
    this.checkCanRead(body);
    const storage = this.deps.storage();
    switch (name) {
      case 'count': return crud.countCommand(storage, db, body);
      case 'aggregate': return this.deps.cursors.open(crud.aggregateCommand(storage, db, body));
      case 'distinct': return crud.distinctCommand(storage, db, body);
      case 'listCollections': return crud.listCollectionsCommand(storage, db, body);
      case 'listDatabases': return crud.listDatabasesCommand(storage, body);
      case 'listIndexes': return crud.listIndexesCommand(storage, db, body);
      default: throw new Error(`DataCommands.read: ${name} is not a read command`);
    }
  }

  private checkCanWrite(): void {
    if (this.deps.replSet === undefined) return;
    if (this.deps.role.state === MemberState.PRIMARY && this.deps.role.writable) return;
    throw new CommandError(ErrorCodes.NotWritablePrimary, 'not primary');
  }

  /** insert, update, delete, findAndModify, bulkWrite, create, drop, dropDatabase, aggregate with $out/$merge: apply, record in the oplog, reply once write concern is met. */
  write(db: string, name: string, body: Readonly<Document>, respond: (r: Doc) => void): void {
    const { deps } = this;
    this.checkCanWrite();
    const replicaSet = deps.replSet !== undefined;
    const storage = deps.storage();
    const wc = parseWriteConcern(body, { replicaSet, maxWireVersion: maxWireVersionOf(deps.version), config: deps.durable.config });
    const retry = name === 'create' || name === 'drop' || name === 'dropDatabase' || name === 'aggregate' ? undefined : crud.retryContextFor(storage, body, replicaSet);
    let primaryTxnFailpoint: ReturnType<FailPoints['checkPrimaryTransactionalWrite']>;
    // The fail point sits where a write is applied: a retry whose statements all ran already never reaches it.
    if (retry !== undefined && retry.executed.size < statementCount(name, body)) {
      primaryTxnFailpoint = deps.failPoints.checkPrimaryTransactionalWrite();
      if (primaryTxnFailpoint?.failBeforeCommitExceptionCode !== undefined) {
        deps.trace.record('failpoint', `${deps.host} onPrimaryTransactionalWrite failBeforeCommit`);
        // closeConnection (default true) drops the connection before the exception is reported.
        if (primaryTxnFailpoint.closeConnection) throw new CloseConnection();
        throw new CommandError(primaryTxnFailpoint.failBeforeCommitExceptionCode, "Failing write for test due to 'onPrimaryTransactionalWrite' failpoint");
      }
    }
    const sink: crud.WriteSink = {
      write: (op, ns, o, o2, txn) => { deps.writer.append(op, ns, o, o2, txn); },
      newObjectId: () => deps.newObjectId(),
    };
    let result: Doc;
    switch (name) {
      case 'insert': result = crud.insertCommand(storage, db, body, sink, retry); break;
      case 'update': result = crud.updateCommand(storage, db, body, sink, retry); break;
      case 'delete': result = crud.deleteCommand(storage, db, body, sink, retry); break;
      case 'create': result = crud.createCommand(storage, db, body, sink); break;
      case 'aggregate': result = aggregateWriteCommand(storage, db, body, sink); break;
      case 'bulkWrite': result = bulkWriteCommand(storage, db, body, sink, retry, deps.cursors, maxWireVersionOf(deps.version)); break;
      case 'drop': result = crud.dropCommand(storage, db, body, sink, maxWireVersionOf(deps.version) >= dropMissingIsOkMinWireVersion); break;
      case 'dropDatabase': {
        for (const ns of [...storage.collections.keys()]) {
          if (ns.startsWith(`${db}.`)) sink.write('c', `${db}.$cmd`, { drop: ns.slice(db.length + 1) }, undefined, undefined);
        }
        result = { ok: 1 };
        break;
      }
      default: result = crud.findAndModifyCommand(storage, db, body, sink, retry); break;
    }
    if (primaryTxnFailpoint !== undefined && primaryTxnFailpoint.closeConnection) {
      // The write is applied and recorded; the client only sees the connection drop.
      deps.trace.record('failpoint', `${deps.host} onPrimaryTransactionalWrite closeConnection`);
      throw new CloseConnection();
    }
    const opTime = deps.durable.oplog.lastOpTime();
    deps.writeConcern.wait(opTime, wc, (wcError) => respond(wcError === null ? result : { ...result, writeConcernError: wcError }));
  }
}

/** Statements in a write command (each has its own stmtId in the retryable-write record). */
function statementCount(name: string, body: Readonly<Document>): number {
  const field = name === 'insert' ? 'documents' : name === 'update' ? 'updates' : name === 'delete' ? 'deletes' : name === 'bulkWrite' ? 'ops' : undefined;
  if (field === undefined) return 1;
  const list = body[field];
  return Array.isArray(list) ? list.length : 1;
}
