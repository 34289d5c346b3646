// Malformed and hostile frames sent to a served member over a real socket: each gets an error
// reply or a closed connection, while another client on the same member keeps working.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import { MongoClient } from 'mongodb';
import { WireFramer, decodeMessage, encodeOpMsg, encodeOpQuery } from '../../core/wire/index.js';
import { ServedCluster } from '../../net/index.js';

interface Outcome { replies: Array<Record<string, unknown>>; closed: boolean }

/** Sends `bytes` on a fresh connection; collects replies until the server closes or `waitMs` passes. */
function probe(address: string, bytes: Uint8Array, waitMs = 400): Promise<Outcome> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const framer = new WireFramer();
    const out: Outcome = { replies: [], closed: false };
    const timer = setTimeout(() => { socket.destroy(); resolve(out); }, waitMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (d) => {
      for (const f of framer.push(d)) {
        const m = decodeMessage(f);
        out.replies.push(m.opCode === 'msg' ? m.body : m.opCode === 'reply' ? (m.documents[0] ?? {}) : {});
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => { out.closed = true; clearTimeout(timer); resolve(out); });
  });
}

function withInt32(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const b = bytes.slice();
  new DataView(b.buffer).setInt32(offset, value, true);
  return b;
}

test('hostile frames get an error reply or a closed connection; other clients are served throughout', async () => {
  const rs = await ServedCluster.start({ members: 3, seed: 5 });
  const client = new MongoClient(rs.uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const coll = client.db('t').collection<{ _id: number }>('c');
    const target = rs.primary() as string;
    const ping = encodeOpMsg({ requestId: 1, body: { ping: 1, $db: 'admin' } });

    // Sanity: a well-formed ping over the raw socket is answered ok.
    assert.equal((await probe(target, ping)).replies.map((r) => r['ok']), [1]);
    // The legacy OP_QUERY hello is answered with OP_REPLY.
    const legacy = await probe(target, encodeOpQuery({ requestId: 2, fullCollectionName: 'admin.$cmd', query: { isMaster: 1 } }));
    assert.is(legacy.replies[0]?.['ismaster'], true);

    const badBson = ping.slice();
    badBson[25] = 0x7e;
    const cases: Array<[string, Uint8Array, 'reply' | 'close']> = [
      ['length below the header', withInt32(ping, 0, 4), 'close'],
      ['negative length', withInt32(ping, 0, -1), 'close'],
      ['length above maxMessageSizeBytes', withInt32(ping, 0, 0x7fffffff), 'close'],
      ['unknown opCode', withInt32(ping, 12, 2010), 'reply'],
      ['unknown required flag', withInt32(ping, 16, 1 << 5), 'reply'],
      ['bad BSON', badBson, 'reply'],
      ['no $db', encodeOpMsg({ requestId: 3, body: { ping: 1 } }), 'reply'],
      ['OP_QUERY on a collection', encodeOpQuery({ requestId: 4, fullCollectionName: 't.c', query: {} }), 'reply'],
      ['inner document overruns its frame', withInt32(ping, 21, 1000), 'reply'],
      ['random bytes', Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff), 'close'],
    ];
    for (const [name, bytes, expect] of cases) {
      const out = await probe(target, bytes);
      if (expect === 'reply') {
        assert.is(out.replies.length, 1, `${name}: expected one error reply, got ${JSON.stringify(out)}`);
        assert.is(out.replies[0]?.['ok'], 0, name);
        assert.type(out.replies[0]?.['errmsg'], 'string', name);
      } else {
        assert.ok(out.closed && out.replies.length === 0, `${name}: expected the connection closed without a reply, got ${JSON.stringify(out)}`);
      }
      // Meanwhile the driver's client is still served.
      await coll.insertOne({ _id: cases.findIndex((c) => c[0] === name) });
    }
    // A truncated frame followed by a hang-up: nothing is left behind.
    await probe(target, ping.subarray(0, 10), 50);
    assert.is(await coll.countDocuments({}), cases.length);
    assert.is((await client.db('admin').command({ ping: 1 }))['ok'], 1);
  } finally {
    await client.close();
    await rs.stop();
  }
});

test.run();
