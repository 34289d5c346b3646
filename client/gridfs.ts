/**
 * GridFS downloads (gridfs-spec.md "File Download"): a file is one document in
 * `<bucket>.files` ({_id, length, chunkSize, uploadDate, filename}) and its bytes in
 * `<bucket>.chunks` ({files_id, n, data}). `download` reads the files document by id,
 * `downloadByName` by filename and revision, then the chunks in order of `n`, checking that
 * every chunk is there and has the size the files document implies. Both reads are ordinary
 * (retryable) finds. The Node driver exposes the same reads as download streams; this client
 * returns the whole file as bytes.
 */
import { MongoError, MongoInvalidArgumentError } from '../core/errors.js';
import { describe } from './concerns.js';
import type { Collection } from './collection.js';
import type { Db } from './db.js';
import type { Document } from './runtime/ports.js';

/** gridfs-spec.md: the default bucket name. */
export const defaultBucketName = 'fs';
/** Largest file this client downloads into memory, bytes. */
export const maxDownloadBytes = 64 * 1024 * 1024;

/** The files document is missing, or a chunk is missing, extra or of the wrong size. */
export class MongoGridFSError extends MongoError {
  override get name(): string {
    return 'MongoGridFSError';
  }
}

export interface GridFSBucketOptions {
  readonly bucketName?: string;
}

export interface DownloadByNameOptions {
  /** gridfs-spec.md "revision": 0 the original, 1 the first revision, ..., -1 the most recent (default), -2 the one before. */
  readonly revision?: number;
}

function bytesOf(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data !== null && typeof data === 'object' && (data as { _bsontype?: unknown })._bsontype === 'Binary') {
    const binary = data as { buffer: Uint8Array; position?: number };
    return binary.buffer.subarray(0, binary.position ?? binary.buffer.length);
  }
  return null;
}

function integer(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : value !== null && typeof value === 'object' && typeof (value as { toNumber?: unknown }).toNumber === 'function' ? (value as { toNumber(): number }).toNumber() : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

export class GridFSBucket {
  readonly bucketName: string;
  private readonly files: Collection;
  private readonly chunks: Collection;

  constructor(db: Db, options: GridFSBucketOptions = {}) {
    const name = options.bucketName ?? defaultBucketName;
    if (typeof name !== 'string' || name.length === 0) throw new MongoInvalidArgumentError(`GridFSBucket bucketName must be a non-empty string, got ${describe(name)}`);
    this.bucketName = name;
    this.files = db.collection(`${name}.files`);
    this.chunks = db.collection(`${name}.chunks`);
  }

  /** The bytes of the file whose `_id` is `id`. */
  async download(id: unknown): Promise<Uint8Array> {
    const file = await this.files.findOne({ _id: id });
    if (file === null) throw new MongoGridFSError(`FileNotFound: file ${describe(id)} was not found in ${this.bucketName}.files`);
    return this.readChunks(file);
  }

  /** The bytes of the `revision` of the file named `filename` (by uploadDate). */
  async downloadByName(filename: string, options: DownloadByNameOptions = {}): Promise<Uint8Array> {
    if (typeof filename !== 'string') throw new MongoInvalidArgumentError(`downloadByName filename must be a string, got ${describe(filename)}`);
    const revision = options.revision ?? -1;
    if (!Number.isSafeInteger(revision)) throw new MongoInvalidArgumentError(`downloadByName options.revision must be an integer, got ${describe(revision)}`);
    const newestFirst = revision < 0;
    const skip = newestFirst ? -revision - 1 : revision;
    const cursor = this.files.find({ filename }, { sort: { uploadDate: newestFirst ? -1 : 1 }, skip, limit: 1 });
    let file: Document | null;
    try {
      file = await cursor.next();
    } finally {
      await cursor.close();
    }
    if (file === null) throw new MongoGridFSError(`FileNotFound: no revision ${revision} of file ${describe(filename)} in ${this.bucketName}.files`);
    return this.readChunks(file);
  }

  private async readChunks(file: Document): Promise<Uint8Array> {
    const length = integer(file.length);
    const chunkSize = integer(file.chunkSize);
    if (length === null || length < 0 || chunkSize === null || chunkSize <= 0) throw new MongoGridFSError(`files document ${describe(file._id)} has a bad length or chunkSize`);
    if (length > maxDownloadBytes) throw new MongoGridFSError(`file ${describe(file._id)} is ${length} bytes; this client downloads at most ${maxDownloadBytes}`);
    const out = new Uint8Array(length);
    if (length === 0) return out;
    const expectedChunks = Math.ceil(length / chunkSize);
    const chunks = await this.chunks.find({ files_id: file._id }, { sort: { n: 1 } }).toArray();
    let offset = 0;
    for (const [i, chunk] of chunks.entries()) {
      if (integer(chunk.n) !== i) throw new MongoGridFSError(`ChunkIsMissing: expected chunk ${i} of file ${describe(file._id)}, got n=${describe(chunk.n)}`);
      if (i >= expectedChunks) throw new MongoGridFSError(`ExtraChunk: file ${describe(file._id)} has more than ${expectedChunks} chunks`);
      const data = bytesOf(chunk.data);
      const want = i === expectedChunks - 1 ? length - chunkSize * (expectedChunks - 1) : chunkSize;
      if (data === null || data.length !== want) throw new MongoGridFSError(`ChunkIsWrongSize: chunk ${i} of file ${describe(file._id)} should hold ${want} bytes`);
      out.set(data, offset);
      offset += data.length;
    }
    if (chunks.length < expectedChunks) throw new MongoGridFSError(`ChunkIsMissing: file ${describe(file._id)} has ${chunks.length} of ${expectedChunks} chunks`);
    return out;
  }
}
