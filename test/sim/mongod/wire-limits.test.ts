/**
 * Issue 9: the simulated server refuses what a real mongod refuses by size, and shares no object
 * with a client (SimClient copies like the MongoClient's port does).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCodes } from '../../../sim/mongod/errors.js';
import { readySet, run } from './helpers.js';

const MiB = 1024 * 1024;

test('a document over maxBsonObjectSize in an insert is a write error; the others are inserted', () => {
  const { client, rs, primary } = readySet(1901);
  const big = { _id: 2, s: 'x'.repeat(16 * MiB) };
  const reply = run(client, primary, 'test', { insert: 'c', documents: [{ _id: 1 }, big, { _id: 3 }], ordered: false });
  assert.is(reply['ok'], 1);
  assert.is(reply['n'], 2);
  const errors = reply['writeErrors'] as Array<Record<string, unknown>>;
  assert.is(errors.length, 1);
  assert.is(errors[0]?.['index'], 1);
  assert.is(errors[0]?.['code'], ErrorCodes.BadValue);
  assert.match(String(errors[0]?.['errmsg']), /^object to insert too large\. size in bytes: 16777238, max size: 16777216$/);
  assert.equal(rs.member(primary).documents('test.c').map((d) => d['_id']), [1, 3]);
});

test('a command over maxBsonObjectSize + 16 KiB is refused with BSONObjectTooLarge (10334) and changes nothing', () => {
  const { client, rs, primary } = readySet(1902);
  const docs = [{ _id: 1, s: 'x'.repeat(9 * MiB) }, { _id: 2, s: 'y'.repeat(9 * MiB) }];
  const reply = run(client, primary, 'test', { insert: 'c', documents: docs });
  assert.is(reply['ok'], 0);
  assert.is(reply['code'], 10334);
  assert.is(reply['codeName'], 'BSONObjectTooLarge');
  assert.match(String(reply['errmsg']), /^BSONObj size: 18874453 \(0x1200055\) is invalid\. Size must be between 0 and 16793600\(16MB\) First element: insert: "c"$/);
  assert.equal(rs.member(primary).documents('test.c'), []);
});

test('a message over maxMessageSizeBytes closes the connection without a reply', () => {
  const { client, rs, primary } = readySet(1903);
  const docs = [0, 1, 2].map((i) => ({ _id: i, s: 'z'.repeat(16 * MiB) }));
  const outcome = client.commandSync(primary, 'test', { insert: 'c', documents: docs });
  assert.is(outcome.ok, false);
  assert.equal(rs.member(primary).documents('test.c'), []);
  // The server is fine: a new connection works.
  assert.is(run(client, primary, 'admin', { ping: 1 })['ok'], 1);
});

test('SimClient shares no object with the server: changing a sent or received document changes nothing stored', () => {
  const { client, rs, primary } = readySet(1904);
  const doc: Record<string, unknown> = { _id: 1, n: 1 };
  const body = { insert: 'c', documents: [doc], writeConcern: { w: 3 } };
  assert.is(run(client, primary, 'test', body)['ok'], 1);
  doc['n'] = 99;
  const found = run(client, primary, 'test', { find: 'c', filter: {} });
  const batch = (found['cursor'] as Record<string, unknown>)['firstBatch'] as Array<Record<string, unknown>>;
  assert.equal(batch, [{ _id: 1, n: 1 }]);
  (batch[0] as Record<string, unknown>)['n'] = 42;
  for (const host of rs.hosts) assert.equal(rs.member(host).documents('test.c'), [{ _id: 1, n: 1 }], host);
});

test.run();
