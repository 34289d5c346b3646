// The wire codec, one rule per test: round trips of every message kind, and each malformed
// field rejected with the WireProtocolError kind that names it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Long, ObjectId, serialize } from 'bson';
import {
  WireFramer, WireProtocolError, commandFromMessage, crc32c, decodeMessage, encodeNoopCompressed, encodeOpMsg, encodeOpQuery,
  encodeOpReply, encodeReply, OpCode,
} from '../../../core/wire/index.js';
import type { WireErrorKind, WireMessage } from '../../../core/wire/index.js';

function throwsKind(fn: () => unknown, kind: WireErrorKind, message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, WireProtocolError);
    assert.is((error as WireProtocolError).kind, kind, (error as Error).message);
    if (message) assert.match((error as Error).message, message);
    return;
  }
  assert.unreachable(`expected a WireProtocolError of kind ${kind}`);
}

function setInt32(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setInt32(offset, value, true);
  return copy;
}

test('crc32c matches the published check value for "123456789"', () => {
  assert.is(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
});

test('OP_MSG round trip: body, $db, document sequences, flags', () => {
  const bytes = encodeOpMsg({
    requestId: 7, body: { insert: 'c', $db: 'test', lsid: { id: new ObjectId('64b7c2f1a1b2c3d4e5f60718') } },
    sequences: [{ identifier: 'documents', documents: [{ _id: 1 }, { _id: 2, big: Long.fromString('9007199254740993') }] }],
    exhaustAllowed: true,
  });
  const m = decodeMessage(bytes) as Extract<WireMessage, { opCode: 'msg' }>;
  assert.is(m.opCode, 'msg');
  assert.is(m.requestId, 7);
  assert.is(m.exhaustAllowed, true);
  assert.is(m.moreToCome, false);
  assert.is(m.sequences[0]?.identifier, 'documents');
  const cmd = commandFromMessage(m);
  assert.is(cmd.db, 'test');
  assert.equal(Object.keys(cmd.body), ['insert', 'lsid', 'documents']);
  assert.equal((cmd.body['documents'] as unknown[]).length, 2);
});

test('OP_MSG with a checksum verifies it; a flipped byte is badChecksum', () => {
  const bytes = encodeOpMsg({ requestId: 1, body: { ping: 1, $db: 'admin' }, checksum: true });
  assert.is((decodeMessage(bytes) as { checksumPresent: boolean }).checksumPresent, true);
  const bad = bytes.slice();
  bad[bad.length - 6] = (bad[bad.length - 6] as number) ^ 0xff;
  throwsKind(() => decodeMessage(bad), 'badChecksum');
});

test('OP_MSG: unknown required flag bit is badFlags; unknown optional bit is accepted', () => {
  const bytes = encodeOpMsg({ requestId: 1, body: { ping: 1, $db: 'admin' } });
  throwsKind(() => decodeMessage(setInt32(bytes, 16, 1 << 4)), 'badFlags', /0x10/);
  assert.is(decodeMessage(setInt32(bytes, 16, 1 << 20)).opCode, 'msg');
});

test('OP_MSG: no body, two bodies, unknown section kind', () => {
  const body = serialize({ ping: 1 });
  const build = (sections: number[][]): Uint8Array => {
    const payload = sections.flat();
    const out = new Uint8Array(20 + payload.length);
    const dv = new DataView(out.buffer);
    dv.setInt32(0, out.length, true);
    dv.setInt32(12, OpCode.msg, true);
    out.set(payload, 20);
    return out;
  };
  throwsKind(() => decodeMessage(build([])), 'badSection', /no body/);
  throwsKind(() => decodeMessage(build([[0, ...body], [0, ...body]])), 'badSection', /two body/);
  throwsKind(() => decodeMessage(build([[5, ...body]])), 'badSection', /kind 5/);
});

test('header: length below 16, above the limit, disagreeing with the bytes; unknown opCode', () => {
  const bytes = encodeOpMsg({ requestId: 1, body: { ping: 1, $db: 'admin' } });
  throwsKind(() => decodeMessage(setInt32(bytes, 0, 8)), 'badLength', /smaller than the 16-byte header/);
  throwsKind(() => decodeMessage(bytes, { maxMessageSizeBytes: 20 }), 'tooLarge');
  throwsKind(() => decodeMessage(bytes.subarray(0, bytes.length - 1)), 'truncated');
  throwsKind(() => decodeMessage(setInt32(bytes, 12, 2010)), 'badOpcode', /opCode 2010/);
});

test('bad BSON inside a well-framed OP_MSG is badBson', () => {
  const bytes = encodeOpMsg({ requestId: 1, body: { ping: 1, $db: 'admin' } });
  const bad = bytes.slice();
  bad[25] = 0x7e; // the first element's type byte: not a BSON type
  throwsKind(() => decodeMessage(bad), 'badBson');
});

test('legacy hello: OP_QUERY on admin.$cmd (wrapped in $query) and its OP_REPLY', () => {
  const q = encodeOpQuery({ requestId: 3, fullCollectionName: 'admin.$cmd', query: { $query: { isMaster: 1, helloOk: true }, $readPreference: { mode: 'primaryPreferred' } }, numberToReturn: -1 });
  const m = decodeMessage(q);
  const cmd = commandFromMessage(m);
  assert.is(cmd.framing, 'legacy');
  assert.is(cmd.db, 'admin');
  assert.equal(cmd.body, { isMaster: 1, helloOk: true });
  const r = decodeMessage(encodeReply({ requestId: 9, responseTo: 3, body: { ismaster: true, ok: 1 }, framing: 'legacy' }));
  assert.is(r.opCode, 'reply');
  assert.equal((r as { documents: readonly unknown[] }).documents, [{ ismaster: true, ok: 1 }]);
  assert.is((r as { responseTo: number }).responseTo, 3);
});

test('OP_QUERY on a collection (not $cmd) is badCommand; OP_MSG without $db is badCommand', () => {
  throwsKind(() => commandFromMessage(decodeMessage(encodeOpQuery({ requestId: 1, fullCollectionName: 'test.c', query: { a: 1 } }))), 'badCommand', /test\.c/);
  throwsKind(() => commandFromMessage(decodeMessage(encodeOpMsg({ requestId: 1, body: { ping: 1 } }))), 'badCommand', /\$db/);
  throwsKind(
    () => commandFromMessage(decodeMessage(encodeOpMsg({ requestId: 1, body: { insert: 'c', documents: [], $db: 'x' }, sequences: [{ identifier: 'documents', documents: [] }] }))),
    'badCommand', /duplicates/,
  );
});

test('OP_REPLY with more documents than numberReturned says is badLength', () => {
  const r = encodeOpReply({ requestId: 1, responseTo: 1, documents: [{ a: 1 }] });
  throwsKind(() => decodeMessage(setInt32(r, 32, 0)), 'badLength', /after its 0 documents/);
  throwsKind(() => decodeMessage(setInt32(r, 32, -1)), 'badLength', /numberReturned -1/);
});

test('OP_COMPRESSED: noop is unwrapped; snappy/zlib/zstd are refused by name', () => {
  const inner = encodeOpMsg({ requestId: 5, body: { ping: 1, $db: 'admin' } });
  const c = encodeNoopCompressed(inner);
  const m = decodeMessage(c);
  assert.is(m.opCode, 'msg');
  assert.is(m.compressorId, 0);
  assert.is(m.requestId, 5);
  for (const [id, name] of [[1, 'snappy'], [2, 'zlib'], [3, 'zstd'], [9, 'unknown']] as const) {
    const z = c.slice();
    z[24] = id;
    throwsKind(() => decodeMessage(z), 'compressorNotSupported', new RegExp(name));
  }
});

test('framer: any split gives the same frames; buffers at most one message', () => {
  const a = encodeOpMsg({ requestId: 1, body: { ping: 1, $db: 'admin' } });
  const b = encodeOpMsg({ requestId: 2, body: { hello: 1, $db: 'admin' } });
  const all = new Uint8Array([...a, ...b]);
  for (let split = 0; split <= all.length; split++) {
    const f = new WireFramer();
    const frames = [...f.push(all.subarray(0, split)), ...f.push(all.subarray(split))];
    assert.equal(frames.map((x) => decodeMessage(x).requestId), [1, 2]);
    assert.is(f.bufferedBytes, 0);
  }
  const byteByByte = new WireFramer();
  let n = 0;
  for (const byte of all) n += byteByByte.push(Uint8Array.of(byte)).length;
  assert.is(n, 2);
});

test('framer: a length over the limit fails the stream at the header, before the body arrives', () => {
  const f = new WireFramer({ maxMessageSizeBytes: 1000 });
  const header = new Uint8Array(4);
  new DataView(header.buffer).setInt32(0, 1_000_000_000, true);
  throwsKind(() => f.push(header), 'tooLarge', /1000000000/);
  throwsKind(() => f.push(new Uint8Array(10)), 'closed');
  throwsKind(() => new WireFramer({ maxMessageSizeBytes: 3 }), 'badLength', /maxMessageSizeBytes/);
});

test('encode: a message over maxMessageSizeBytes is tooLarge; an unserializable body is badBson', () => {
  throwsKind(() => encodeOpMsg({ requestId: 1, body: { x: 'y'.repeat(100), $db: 'a' }, maxMessageSizeBytes: 64 }), 'tooLarge');
  throwsKind(() => encodeOpMsg({ requestId: 1, body: [] as unknown as Record<string, unknown> }), 'badBson');
});

test.run();
