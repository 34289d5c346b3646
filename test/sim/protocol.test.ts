import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Long, ObjectId, Timestamp } from 'bson';
import { bsonCopy } from '../../sim/protocol.js';

test('bsonCopy: a copy that shares nothing, with the Node driver\'s decoded types and the BSON size', () => {
  const inner = { a: [1, { b: 2 }] };
  const id = new ObjectId();
  const doc = { inner, id, when: new Date(5), ts: new Timestamp({ t: 1, i: 2 }), small: Long.fromNumber(7), big: 2n ** 60n, gone: undefined, fn: () => 1 };
  const { doc: copy, sizeBytes } = bsonCopy(doc);
  assert.is.not(copy['inner'], inner);
  assert.is.not((copy['inner'] as { a: unknown[] }).a[1], inner.a[1]);
  assert.equal(copy['inner'], inner);
  assert.ok((copy['id'] as ObjectId).equals(id));
  assert.equal(copy['when'], new Date(5));
  assert.ok(copy['ts'] instanceof Timestamp);
  assert.is(copy['small'], 7, 'an int64 that fits becomes a number');
  assert.ok(copy['big'] instanceof Long, 'one that does not stays a Long');
  assert.not.ok('gone' in copy, 'undefined is not carried');
  assert.not.ok('fn' in copy, 'functions are not carried');
  assert.ok(sizeBytes > 0);
});

test('bsonCopy: documents around and beyond the serializer\'s 17 MiB buffer arrive whole', () => {
  const MiB = 1024 * 1024;
  for (const n of [16 * MiB, 17 * MiB - 100, 17 * MiB, 18 * MiB, 40 * MiB, 1000]) {
    const { doc, sizeBytes } = bsonCopy({ s: 'x'.repeat(n) });
    assert.is((doc['s'] as string).length, n, `${n} characters`);
    assert.is(sizeBytes, n + 13, 'the BSON size: length 4, type 1, key 2, string length 4, the string, NUL 1, end 1');
  }
  // A field that starts past the buffer's end makes the serializer throw rather than truncate.
  const { doc } = bsonCopy({ a: 'x'.repeat(64 * MiB), b: 'y'.repeat(10) });
  assert.is((doc['a'] as string).length, 64 * MiB);
  assert.is(doc['b'], 'y'.repeat(10));
  // What BSON cannot encode still fails with the serializer's own error.
  const circular: Record<string, unknown> = {};
  circular['self'] = circular;
  assert.throws(() => bsonCopy(circular), /circular/i);
});

test.run();
