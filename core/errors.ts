/**
 * Error classes, named as in the official Node driver so that users' `instanceof` and
 * `err.name` checks read the same. Messages never contain credentials.
 */

export class MongoError extends Error {
  override get name(): string {
    return 'MongoError';
  }

  /** As in the Node driver: whether `errorLabels` (a server's, or one the driver added) holds `label`. */
  hasErrorLabel(label: string): boolean {
    const labels = (this as { errorLabels?: unknown }).errorLabels;
    return Array.isArray(labels) && labels.includes(label);
  }
}

/** A connection string or option value that cannot be used. The message names the bad part. */
export class MongoParseError extends MongoError {
  override get name(): string {
    return 'MongoParseError';
  }
}

/** An invalid argument given to an API (e.g. an impossible read preference). */
export class MongoInvalidArgumentError extends MongoError {
  override get name(): string {
    return 'MongoInvalidArgumentError';
  }
}

/** No suitable server was found before `serverSelectionTimeoutMS` ran out. */
export class MongoServerSelectionError extends MongoError {
  override get name(): string {
    return 'MongoServerSelectionError';
  }
}

/** The connection failed or was closed while an operation was in flight. */
export class MongoNetworkError extends MongoError {
  override get name(): string {
    return 'MongoNetworkError';
  }
}

/** The server answered `ok: 0`. */
export class MongoServerError extends MongoError {
  readonly code: number | undefined;
  readonly codeName: string | undefined;
  readonly errorLabels: readonly string[];
  /** As in the Node driver: the server's whole error reply (unified-test-format.md "errorResponse"); rebuilt from the fields when none was given. */
  readonly errorResponse: Readonly<Record<string, unknown>>;
  constructor(message: string, fields: { code?: number; codeName?: string; errorLabels?: readonly string[]; errorResponse?: Readonly<Record<string, unknown>> } = {}) {
    super(message);
    this.code = fields.code;
    this.codeName = fields.codeName;
    this.errorLabels = fields.errorLabels ?? [];
    this.errorResponse = fields.errorResponse ?? {
      ok: 0,
      errmsg: message,
      ...(fields.code !== undefined ? { code: fields.code } : {}),
      ...(fields.codeName !== undefined ? { codeName: fields.codeName } : {}),
      ...(this.errorLabels.length > 0 ? { errorLabels: [...this.errorLabels] } : {}),
    };
  }
  /** As in the Node driver: the server's error message (the reply's `errmsg`). */
  get errmsg(): string {
    return this.message;
  }
  override get name(): string {
    return 'MongoServerError';
  }
}
