import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Binary } from 'bson';
import { MongoClient } from '../../client/mongo-client.js';
import { GridFSBucket, MongoGridFSError } from '../../client/gridfs.js';
import type { RunOperation } from '../../client/runtime/api.js';
import { fakeClientOptions, ok } from './fake-runtime.js';

type Files = Record<string, unknown>[];

/** A fake server holding `files` and `chunks`, answering finds on fs.files / fs.chunks. */
function bucket(files: Files, chunks: Files) {
  const { options, holder } = fakeClientOptions((op: RunOperation) => {
    const coll = op.command['find'];
    if (coll === 'fs.files') {
      const filter = op.command['filter'] as Record<string, unknown>;
      let found = files.filter((f) => ('_id' in filter ? f['_id'] === filter['_id'] : f['filename'] === filter['filename']));
      const sort = op.command['sort'] as Record<string, number> | undefined;
      if (sort?.['uploadDate'] !== undefined) found = [...found].sort((a, b) => ((a['uploadDate'] as number) - (b['uploadDate'] as number)) * sort['uploadDate']!);
      found = found.slice((op.command['skip'] as number | undefined) ?? 0, ((op.command['skip'] as number | undefined) ?? 0) + 1);
      return ok({ cursor: { id: 0, ns: 'db.fs.files', firstBatch: found } });
    }
    if (coll === 'fs.chunks') return ok({ cursor: { id: 0, ns: 'db.fs.chunks', firstBatch: chunks.filter((c) => c['files_id'] === (op.command['filter'] as Record<string, unknown>)['files_id']) } });
    throw new Error(`unexpected ${JSON.stringify(op.command)}`);
  });
  const client = new MongoClient('mongodb://a/', options);
  return { bucket: new GridFSBucket(client.db('db')), runtime: () => holder.runtime! };
}

const bin = (...bytes: number[]) => new Binary(new Uint8Array(bytes));

test('download: the files document by id, then the chunks in order of n', async () => {
  const { bucket: b, runtime } = bucket(
    [{ _id: 1, length: 5, chunkSize: 2, uploadDate: 0, filename: 'f' }],
    [{ files_id: 1, n: 0, data: bin(1, 2) }, { files_id: 1, n: 1, data: bin(3, 4) }, { files_id: 1, n: 2, data: bin(5) }],
  );
  assert.equal([...(await b.download(1))], [1, 2, 3, 4, 5]);
  const [files, chunks] = runtime().operations.map((o) => o.command);
  assert.equal(files!['filter'], { _id: 1 });
  assert.equal(chunks!['filter'], { files_id: 1 });
  assert.equal(chunks!['sort'], { n: 1 });
  assert.equal(runtime().operations.map((o) => o.kind), ['read', 'read']);
});

test('downloadByName: revision -1 is the newest, 0 the original, -2 the one before the newest', async () => {
  const files = [0, 1, 2].map((i) => ({ _id: `id${i}`, length: 1, chunkSize: 4, uploadDate: i, filename: 'f' }));
  const chunks = [0, 1, 2].map((i) => ({ files_id: `id${i}`, n: 0, data: bin(10 + i) }));
  const { bucket: b } = bucket(files, chunks);
  assert.equal([...(await b.downloadByName('f'))], [12]);
  assert.equal([...(await b.downloadByName('f', { revision: 0 }))], [10]);
  assert.equal([...(await b.downloadByName('f', { revision: -2 }))], [11]);
  assert.equal([...(await b.downloadByName('f', { revision: 1 }))], [11]);
});

test('missing file, missing chunk or a chunk of the wrong size is a MongoGridFSError', async () => {
  const error = (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (e: unknown) => e);
  const { bucket: b } = bucket(
    [{ _id: 1, length: 4, chunkSize: 2, uploadDate: 0, filename: 'f' }, { _id: 2, length: 2, chunkSize: 2, uploadDate: 0, filename: 'g' }],
    [{ files_id: 1, n: 0, data: bin(1, 2) }, { files_id: 2, n: 0, data: bin(1) }],
  );
  const missingFile = await error(b.download(9));
  assert.instance(missingFile, MongoGridFSError);
  assert.match((missingFile as Error).message, /FileNotFound/);
  assert.match((await error(b.download(1)) as Error).message, /ChunkIsMissing/);
  assert.match((await error(b.download(2)) as Error).message, /ChunkIsWrongSize/);
  assert.match((await error(b.downloadByName('nope')) as Error).message, /FileNotFound/);
});

test.run();
