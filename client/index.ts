/** The async MongoClient façade: client, db, collection, cursor, options and errors. */
export { MongoClient, defaultDatabaseName } from './mongo-client.js';
export { Db, type RunCommandOptions } from './db.js';
export {
  Collection,
  maxInsertManyDocuments,
  type CountOptions,
  type FindCommandOptions,
  type FindOneAndOptions,
  type InsertManyOptions,
  type ReadOptions,
  type UpdateOptions,
  type WriteOptions,
} from './collection.js';
export { FindCursor, maxBufferedDocuments, maxGetMoresPerCursor, type FindOptions } from './cursor.js';
export {
  resolveClientOptions,
  connectionStringFromHosts,
  defaultServerSelectionTimeoutMS,
  defaultLocalThresholdMS,
  defaultHeartbeatFrequencyMS,
  type MongoClientOptions,
  type ResolvedClientOptions,
  type RuntimeFactory,
} from './options.js';
export { type InheritableOptions, type InheritedOptions } from './inheritance.js';
export { writeConcern, readConcern, readConcernLevels, type WriteConcern, type ReadConcern } from './concerns.js';
export { MongoTopologyClosedError, MongoInvalidOperationError, MongoCursorExhaustedError, MongoBulkWriteError, type WriteError } from './errors.js';
export type { InsertOneResult, InsertManyResult, UpdateResult, DeleteResult } from './operations/write-results.js';
export {
  MongoError,
  MongoParseError,
  MongoInvalidArgumentError,
  MongoServerSelectionError,
  MongoNetworkError,
  MongoServerError,
} from '../core/errors.js';
export { MongoWriteConcernError } from '../core/executor/index.js';
// What a transport author needs to run the client over their own clock and sockets.
export { ClientRuntime, type ClientRuntimeOptions } from './runtime/index.js';
export type { ClientRuntimeApi, RunOperation, RunResult, RuntimeEvent } from './runtime/index.js';
export type { ClockPort, ConnectionHandlers, Document, RuntimePorts, TimerHandle, TransportConnection, TransportPort } from './runtime/index.js';
export { GridFSBucket, MongoGridFSError, defaultBucketName, maxDownloadBytes, type GridFSBucketOptions, type DownloadByNameOptions } from './gridfs.js';
export { CommandCursor, type AggregateOptions } from './operations/read-commands.js';
export { type AnyBulkWriteOperation, type BulkWriteResult, maxBulkWriteModels } from './operations/bulk-write.js';
export { MongoBSONError, checkCommandDocument, commandOverheadBytes, type BsonCheckOptions } from './bson-check.js';
// logging.md: the client's log messages (MongoClient options mongodbLogComponentSeverities, mongodbLogPath, mongodbLogMaxDocumentLength).
export { logOptionsFromEnvironment, type LogComponentSeverities, type LoggerOptions, type LogMessage, type LogSink } from './logging/logger.js';
export { logComponents, severityLevels, type LogComponent, type SeverityLevel, type SeveritySetting } from './logging/severity.js';
export { defaultMaxDocumentLength } from './logging/extended-json.js';
export { ChangeStream, MongoChangeStreamError, resumableChangeStreamErrorLabel, type ChangeStreamOptions } from './change-stream.js';
export {
  MongoClientBulkWriteError,
  maxClientBulkWriteModels,
  type ClientBulkWriteModel,
  type ClientBulkWriteOptions,
  type ClientBulkWriteResult,
  type ClientBulkWriteError,
} from './operations/client-bulk-write.js';
