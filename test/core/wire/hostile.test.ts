// Hostile frames: whatever bytes arrive, in whatever split, the framer and the decoder either
// produce messages or throw a WireProtocolError — never another exception, never a hang, and
// the framer never buffers more than maxMessageSizeBytes. 100,000 runs (issue 11).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { WireFramer, WireProtocolError, commandFromMessage, decodeMessage, encodeNoopCompressed, encodeOpMsg, encodeOpQuery, encodeOpReply } from '../../../core/wire/index.js';

const maxMessageSizeBytes = 4096;
export const hostileRuns = 100_000;

const seedMessages: Uint8Array[] = [
  encodeOpMsg({ requestId: 1, body: { hello: 1, $db: 'admin', client: { driver: { name: 'x', version: '1' } } } }),
  encodeOpMsg({ requestId: 2, body: { insert: 'c', $db: 'test' }, sequences: [{ identifier: 'documents', documents: [{ _id: 1, s: 'abc' }, { _id: 2 }] }], checksum: true }),
  encodeOpQuery({ requestId: 3, fullCollectionName: 'admin.$cmd', query: { isMaster: 1 } }),
  encodeOpReply({ requestId: 4, responseTo: 3, documents: [{ ok: 1 }, { ok: 0 }] }),
  encodeNoopCompressed(encodeOpMsg({ requestId: 5, body: { ping: 1, $db: 'admin' } })),
];

/** A valid message, mutated: bytes overwritten, cut, extended, or its length field rewritten. */
const mutated = fc.record({
  base: fc.constantFrom(...seedMessages),
  edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
  cut: fc.option(fc.nat()),
  tail: fc.uint8Array({ maxLength: 40 }),
  length: fc.option(fc.oneof(fc.integer(), fc.integer({ min: -20, max: 200 }))),
}).map(({ base, edits, cut, tail, length }) => {
  let b = base.slice();
  for (const [at, v] of edits) b[at % b.length] = v;
  if (cut !== null) b = b.subarray(0, cut % (b.length + 1));
  const out = new Uint8Array(b.length + tail.length);
  out.set(b, 0);
  out.set(tail, b.length);
  if (length !== null && out.length >= 4) new DataView(out.buffer).setInt32(0, length, true);
  return out;
});

/** A header with a plausible length and an opCode, then random bytes. */
const framed = fc.record({
  opCode: fc.constantFrom(1, 2004, 2012, 2013, 0, -1, 2010, 0x7fffffff),
  body: fc.uint8Array({ maxLength: 120 }),
}).map(({ opCode, body }) => {
  const out = new Uint8Array(16 + body.length);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, out.length, true);
  dv.setInt32(12, opCode, true);
  out.set(body, 16);
  return out;
});

const stream = fc.record({
  parts: fc.array(fc.oneof(mutated, framed, fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...seedMessages)), { minLength: 1, maxLength: 4 }),
  splits: fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 8 }),
});

test(`hostile frames: ${hostileRuns} runs give messages or WireProtocolError, nothing else`, () => {
  let decoded = 0;
  let rejected = 0;
  fc.assert(
    fc.property(stream, ({ parts, splits }) => {
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      const framer = new WireFramer({ maxMessageSizeBytes });
      let offset = 0;
      let k = 0;
      // Bounded: every iteration consumes at least one byte.
      while (offset < all.length) {
        const size = splits.length === 0 ? all.length : (splits[k++ % splits.length] as number);
        const chunk = all.subarray(offset, offset + size);
        offset += chunk.length;
        let frames: Uint8Array[];
        try {
          frames = framer.push(chunk);
        } catch (error) {
          if (!(error instanceof WireProtocolError)) throw error;
          rejected++;
          return;
        }
        if (framer.bufferedBytes > maxMessageSizeBytes) throw new Error(`framer buffers ${framer.bufferedBytes} bytes`);
        for (const frame of frames) {
          try {
            const m = decodeMessage(frame, { maxMessageSizeBytes });
            if (m.opCode !== 'reply') commandFromMessage(m);
            decoded++;
          } catch (error) {
            if (!(error instanceof WireProtocolError)) throw error;
            rejected++;
          }
        }
      }
    }),
    { numRuns: hostileRuns, seed: 11 },
  );
  // The generators must reach both outcomes, or the property proves little.
  assert.ok(decoded > 1000, `only ${decoded} frames decoded`);
  assert.ok(rejected > 1000, `only ${rejected} frames rejected`);
});

test.run();
