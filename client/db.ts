/**
 * A database handle: collections, and `runCommand` (sent as given, never retried —
 * retryable-reads.md "Unsupported Read Operations"; read preference only when asked for).
 */
import { MongoInvalidArgumentError } from '../core/errors.js';
import { primaryReadPreference } from '../core/selection/read-preference.js';
import { describe } from './concerns.js';
import { Collection, type CollectionContext } from './collection.js';
import { inherit, pickInheritable, type InheritableOptions, type InheritedOptions } from './inheritance.js';
import type { Document } from './runtime/ports.js';
import { aggregateCommand, CommandCursor, listCollectionsCommand, type AggregateOptions } from './operations/read-commands.js';
import type { CursorTarget } from './cursor.js';
import { ChangeStream, type ChangeStreamOptions } from './change-stream.js';

/** Characters MongoDB forbids in database names (and an empty name). */
const badDbNameCharacters = /[/\\. "$\0]/;

export interface RunCommandOptions {
  readonly readPreference?: InheritableOptions['readPreference'];
}

export class Db {
  readonly settings: InheritedOptions;

  constructor(
    private readonly context: CollectionContext,
    readonly databaseName: string,
    parent: InheritedOptions,
    options?: InheritableOptions,
  ) {
    if (typeof databaseName !== 'string' || databaseName.length === 0 || badDbNameCharacters.test(databaseName)) {
      throw new MongoInvalidArgumentError(`database name ${describe(databaseName)} must be a non-empty string without / \\ . space " $ or NUL`);
    }
    this.settings = inherit(parent, options, `db("${databaseName}") options`);
  }

  collection<T extends Document = Document>(name: string, options?: InheritableOptions): Collection<T> {
    if (typeof name !== 'string' || name.length === 0 || name.includes('\0') || name.startsWith('$')) {
      throw new MongoInvalidArgumentError(`collection name ${describe(name)} must be a non-empty string not starting with $ and without NUL`);
    }
    return new Collection<T>(this.context, this.databaseName, name, this.settings, options);
  }

  /** The same database with some settings replaced (PyMongo `with_options`). */
  withOptions(options: InheritableOptions): Db {
    return new Db(this.context, this.databaseName, this.settings, options);
  }

  /** enumerate-collections.md "listCollections": a cursor over the collection descriptions. */
  listCollections(filter: Document = {}, options?: InheritableOptions & { nameOnly?: boolean; authorizedCollections?: boolean; batchSize?: number; comment?: unknown }): CommandCursor<Document> {
    const target = this.cursorTarget(options, 'listCollections options', '$cmd.listCollections');
    const { command, batchSize } = listCollectionsCommand(filter, options);
    return new CommandCursor(this.context, target, command, batchSize);
  }

  /** The collection names (enumerate-collections.md "listCollectionNames": nameOnly). */
  async listCollectionNames(filter: Document = {}, options?: InheritableOptions & { batchSize?: number; comment?: unknown }): Promise<string[]> {
    return (await this.listCollections(filter, { ...options, nameOnly: true }).toArray()).map((c) => String(c.name));
  }

  /** A database-level aggregate (`aggregate: 1`). */
  aggregate<T extends Document = Document>(pipeline: readonly Document[], options?: AggregateOptions & InheritableOptions): CommandCursor<T> {
    const target = this.cursorTarget(options, 'aggregate options', '$cmd.aggregate');
    const { command, batchSize } = aggregateCommand(1, pipeline, target, options);
    return new CommandCursor<T>(this.context, target, command, batchSize);
  }

  /** change-streams.md: a change stream on every collection of this database (`aggregate: 1` with $changeStream). */
  watch<T extends Document = Document>(pipeline: readonly Document[] = [], options?: ChangeStreamOptions & InheritableOptions): ChangeStream<T> {
    const settings = inherit(this.settings, pickInheritable(options), 'watch options');
    return new ChangeStream<T>(this.context, { databaseName: this.databaseName, aggregate: 1, allChangesForCluster: false, readPreference: settings.readPreference, readConcern: settings.readConcern }, pipeline, options);
  }

  private cursorTarget(options: object | undefined, where: string, collectionName: string): CursorTarget {
    const settings = inherit(this.settings, pickInheritable(options), where);
    return { databaseName: this.databaseName, collectionName, readPreference: settings.readPreference, readConcern: settings.readConcern };
  }

  /**
   * Runs `command` as given on a server chosen by `options.readPreference` (default primary,
   * as in the Node driver: runCommand does not inherit the db's read preference). Resolves to
   * the reply; `ok: 0` rejects with MongoServerError.
   */
  async runCommand(command: Document, options?: RunCommandOptions): Promise<Document> {
    if (command === null || typeof command !== 'object' || Array.isArray(command) || Object.keys(command).length === 0) {
      throw new MongoInvalidArgumentError(`runCommand needs a non-empty command document, got ${describe(command)}`);
    }
    const readPreference = inherit({ ...this.settings, readPreference: primaryReadPreference }, pickInheritable(options), 'runCommand options').readPreference;
    const { reply } = await this.context.run({ kind: 'command', databaseName: this.databaseName, command, readPreference });
    return reply;
  }
}
