import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ObjectId, Long, Timestamp } from 'bson';
import { parseHello } from '../../../core/sdam/hello.js';
import { maxHostsPerHelloList, maxTagsPerServer } from '../../../core/sdam/constants.js';
import { normalizeAddress } from '../../../core/sdam/address.js';
import { throwingProxy } from '../../support/hostile.js';

const rtt = { roundTripTime: 7 };
const parse = (reply: unknown) => parseHello('a:27017', reply, rtt, 100);

test('server types follow the SDAM "type" table', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ok: 1, isWritablePrimary: true }, 'Standalone'],
    [{ ok: 1, msg: 'isdbgrid', isWritablePrimary: true }, 'Mongos'],
    [{ ok: 1, isWritablePrimary: true, setName: 'rs' }, 'RSPrimary'],
    [{ ok: 1, ismaster: true, setName: 'rs' }, 'RSPrimary'],
    [{ ok: 1, isWritablePrimary: false, secondary: true, setName: 'rs' }, 'RSSecondary'],
    [{ ok: 1, isWritablePrimary: false, arbiterOnly: true, setName: 'rs' }, 'RSArbiter'],
    [{ ok: 1, isWritablePrimary: false, secondary: true, hidden: true, setName: 'rs' }, 'RSOther'],
    [{ ok: 1, isWritablePrimary: true, hidden: true, setName: 'rs' }, 'RSOther'],
    [{ ok: 1, isWritablePrimary: false, setName: 'rs' }, 'RSOther'],
    [{ ok: 1, isreplicaset: true, isWritablePrimary: false }, 'RSGhost'],
    [{ ok: 0, isWritablePrimary: true }, 'Unknown'],
    [{ isWritablePrimary: true }, 'Unknown'],
  ];
  for (const [reply, type] of cases) assert.is(parse(reply).type, type, JSON.stringify(reply));
});

test('isWritablePrimary is read before the legacy ismaster field', () => {
  assert.is(parse({ ok: 1, isWritablePrimary: false, ismaster: true, setName: 'rs' }).type, 'RSOther');
});

test('a successful reply records RTT, time, and every parsed field', () => {
  const electionId = new ObjectId('7fffffff0000000000000003');
  const sd = parseHello(
    'a:27017',
    {
      ok: 1,
      isWritablePrimary: true,
      setName: 'rs',
      setVersion: Long.fromNumber(4),
      electionId,
      me: 'A:27017',
      primary: 'A',
      hosts: ['A:27017', 'b:27017', 'a:27017'],
      passives: ['C'],
      arbiters: ['[::1]:27018'],
      tags: { dc: 'east' },
      minWireVersion: 0,
      maxWireVersion: 21,
      logicalSessionTimeoutMinutes: 30,
      topologyVersion: { processId: new ObjectId('000000000000000000000001'), counter: Long.fromNumber(9) },
      lastWrite: { lastWriteDate: new Date(5000), opTime: { ts: new Timestamp({ t: 1, i: 2 }), t: 3 } },
      iscryptd: false,
      maxBsonObjectSize: 16,
    },
    { roundTripTime: 12, minRoundTripTime: 3 },
    777,
  );
  assert.is(sd.type, 'RSPrimary');
  assert.is(sd.error, null);
  assert.is(sd.roundTripTime, 12);
  assert.is(sd.minRoundTripTime, 3);
  assert.is(sd.lastUpdateTime, 777);
  assert.is(sd.setVersion, 4);
  assert.is(sd.electionId, '7fffffff0000000000000003');
  assert.is(sd.me, 'a:27017');
  assert.is(sd.primary, 'a:27017');
  // Lower-cased, default port added, duplicates dropped, order kept.
  assert.equal(sd.hosts, ['a:27017', 'b:27017']);
  assert.equal(sd.passives, ['c:27017']);
  assert.equal(sd.arbiters, ['[::1]:27018']);
  assert.equal(sd.tags, { dc: 'east' });
  assert.is(sd.logicalSessionTimeoutMinutes, 30);
  assert.equal(sd.topologyVersion, { processId: '000000000000000000000001', counter: 9 });
  assert.is(sd.lastWriteDate, 5000);
  assert.equal(sd.opTime, { ts: (1n << 32n) + 2n, t: 3 });
  assert.is(sd.maxBsonObjectSize, 16);
});

test('ObjectIds are read from hex strings, bytes, {$oid} and toHexString()', () => {
  const hex = '0123456789abcdef01234567';
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
  for (const electionId of [hex, hex.toUpperCase(), bytes, { $oid: hex }, new ObjectId(hex), { id: bytes }]) {
    const sd = parse({ ok: 1, isWritablePrimary: true, setName: 'rs', electionId });
    assert.is(sd.electionId, hex, String(electionId));
  }
});

test('wrong types give Unknown with an error naming the field', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ok: 1, setName: 5 }, "'setName' must be a string"],
    [{ ok: 1, setName: 'rs', hosts: 'a:1' }, "'hosts' must be an array"],
    [{ ok: 1, setName: 'rs', hosts: ['a:1', 7] }, "'hosts[1]' is not a valid address"],
    [{ ok: 1, setName: 'rs', hosts: ['a:99999'] }, "'hosts[0]' is not a valid address"],
    [{ ok: 1, setName: 'rs', hosts: ['::1'] }, 'IPv6'],
    [{ ok: 1, setName: 'rs', electionId: 'zz' }, "'electionId'"],
    [{ ok: 1, setName: 'rs', electionId: {} }, "'electionId' must be an ObjectId"],
    [{ ok: 1, setVersion: 1.5 }, "'setVersion' must be an integer"],
    [{ ok: 1, setVersion: '1' }, "'setVersion' must be an integer"],
    [{ ok: 1, secondary: 'yes', setName: 'rs' }, "'secondary' must be a boolean"],
    [{ ok: 1, topologyVersion: 3 }, "'topologyVersion' must be a document"],
    [{ ok: 1, topologyVersion: { processId: 'x', counter: 1 } }, "'topologyVersion.processId'"],
    [{ ok: 1, tags: { dc: 1 } }, "'tags.dc' must be a string"],
    [{ ok: 1, tags: [] }, "'tags' must be a document"],
    [{ ok: 1, lastWrite: { lastWriteDate: 'yesterday' } }, "'lastWrite.lastWriteDate' must be a date"],
    [{ ok: 1, lastWrite: { opTime: 5 } }, "'lastWrite.opTime' must be a document"],
    [{ ok: 1, me: 'a b:1' }, "'me' is not a valid address"],
  ];
  for (const [reply, fragment] of cases) {
    const sd = parse(reply);
    assert.is(sd.type, 'Unknown', JSON.stringify(reply));
    assert.ok(sd.error?.includes(fragment), `${JSON.stringify(reply)} → ${sd.error}`);
    assert.is(sd.roundTripTime, null);
  }
});

test('non-document replies and bad RTTs are reported, not thrown', () => {
  for (const reply of [null, undefined, 3, 'hello', [1, 2], true]) {
    const sd = parse(reply);
    assert.is(sd.type, 'Unknown');
    assert.ok(sd.error?.includes('must be a document'));
  }
  assert.ok(parseHello('a:27017', { ok: 1 }, { roundTripTime: Number.NaN }, 0).error?.includes('roundTripTime'));
  assert.ok(parseHello('a:27017', { ok: 1 }, { roundTripTime: 1, minRoundTripTime: -1 }, 0).error?.includes('minRoundTripTime'));
});

test('a reply whose getters throw is reported, not thrown', () => {
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error('boom');
      },
    },
  );
  const sd = parse(hostile);
  assert.is(sd.type, 'Unknown');
  assert.ok(sd.error?.includes('boom'));
});

test('host lists and tags are bounded by named limits', () => {
  const many = Array.from({ length: maxHostsPerHelloList + 1 }, (_, i) => `h${i}:27017`);
  const sd = parse({ ok: 1, setName: 'rs', secondary: true, hosts: many });
  assert.is(sd.type, 'Unknown');
  assert.ok(sd.error?.includes(`limit of ${maxHostsPerHelloList}`));
  const tags = Object.fromEntries(Array.from({ length: maxTagsPerServer + 1 }, (_, i) => [`k${i}`, 'v']));
  assert.ok(parse({ ok: 1, tags }).error?.includes(`limit of ${maxTagsPerServer}`));
});

test('not ok replies keep the server message and topologyVersion', () => {
  const sd = parse({ ok: 0, errmsg: 'auth failed', topologyVersion: { processId: '000000000000000000000001', counter: 2 } });
  assert.is(sd.type, 'Unknown');
  assert.ok(sd.error?.includes('auth failed'));
  assert.equal(sd.topologyVersion, { processId: '000000000000000000000001', counter: 2 });
});

test('unchanged host lists, tags and topologyVersion are shared with the previous description', () => {
  const reply = { ok: 1, setName: 'rs', secondary: true, hosts: ['a:27017', 'b:27017'], tags: { x: 'y' }, topologyVersion: { processId: '000000000000000000000001', counter: 1 } };
  const first = parse(reply);
  const second = parseHello('a:27017', { ...reply, hosts: ['a:27017', 'b:27017'], tags: { x: 'y' } }, rtt, 200, first);
  assert.ok(second.hosts === first.hosts);
  assert.ok(second.tags === first.tags);
  assert.ok(second.topologyVersion === first.topologyVersion);
  const third = parseHello('a:27017', { ...reply, hosts: ['a:27017'] }, rtt, 300, second);
  assert.equal(third.hosts, ['a:27017']);
  // The same again with ObjectId values, as the bson decoder produces them.
  const oid = { ok: 1, setName: 'rs', isWritablePrimary: true, electionId: new ObjectId('000000000000000000000007'), topologyVersion: { processId: new ObjectId('000000000000000000000001'), counter: 1 } };
  const p1 = parse(oid);
  const p2 = parseHello('a:27017', { ...oid }, rtt, 400, p1);
  assert.ok(p2.topologyVersion === p1.topologyVersion);
  assert.is(p2.electionId, '000000000000000000000007');
  const p3 = parseHello('a:27017', { ...oid, electionId: new ObjectId('000000000000000000000008') }, rtt, 500, p2);
  assert.is(p3.electionId, '000000000000000000000008');
});

// Issue 9: `out[key] = tag` dropped a "__proto__" tag, so the server looked untagged.
test('hello tags named __proto__ or constructor are kept as ordinary tags', () => {
  const tags = JSON.parse('{"__proto__": "x", "constructor": "y", "dc": "ny"}') as Record<string, string>;
  const sd = parse({ ok: 1, setName: 'rs', secondary: true, tags });
  assert.is(sd.error, null);
  assert.equal(Object.keys(sd.tags).sort(), ['__proto__', 'constructor', 'dc']);
  assert.ok(Object.hasOwn(sd.tags, '__proto__') && sd.tags['__proto__'] === 'x');
  assert.is(Object.getPrototypeOf(sd.tags), Object.prototype);
  assert.is(parseHello('a:27017', { ok: 1, setName: 'rs', secondary: true, tags }, rtt, 200, sd).tags, sd.tags, 'unchanged tags are shared');
});

// Issue 9: negative sizes, a NUL byte in a reported host and a NaN time were accepted as data.
test('negative sizes, control characters in hosts and non-finite times make the server Unknown with an error naming the field', () => {
  const base = { ok: 1, setName: 'rs', isWritablePrimary: true, hosts: ['a:27017'] };
  const unknownWith = (sd: ReturnType<typeof parse>, field: RegExp): void => {
    assert.is(sd.type, 'Unknown');
    assert.ok(sd.error !== null && field.test(sd.error), `${sd.error} should match ${field}`);
    assert.not.ok(sd.error!.includes('\0'), 'the error does not carry the raw NUL byte');
  };
  for (const field of ['maxBsonObjectSize', 'maxMessageSizeBytes', 'maxWriteBatchSize']) {
    unknownWith(parse({ ...base, [field]: -1 }), new RegExp(field));
    unknownWith(parse({ ...base, [field]: 0 }), new RegExp(field));
  }
  assert.is(parse({ ...base, maxBsonObjectSize: 16 * 1024 * 1024 }).maxBsonObjectSize, 16 * 1024 * 1024);
  unknownWith(parse({ ...base, hosts: ['a:27017', 'b\0c:27017'] }), /hosts\[1\]/);
  unknownWith(parse({ ...base, me: 'a\0:27017' }), /'me'/);
  unknownWith(parse({ ...base, primary: 'a\u0007b:27017' }), /'primary'/);
  assert.is(normalizeAddress('a\u007fb:1').ok, false);
  assert.is(normalizeAddress('[::1\0]:1').ok, false);
  for (const now of [Number.NaN, Number.POSITIVE_INFINITY]) {
    const sd = parseHello('a:27017', base, rtt, now);
    unknownWith(sd, /now/);
    assert.ok(!Number.isNaN(sd.lastUpdateTime), 'no NaN is stored');
  }
  unknownWith(parseHello('a:27017', base, { roundTripTime: Number.NaN }, 100), /roundTripTime/);
  unknownWith(parseHello('a:27017', base, throwingProxy({ roundTripTime: 1 }), 100), /could not be read/);
  unknownWith(parse(throwingProxy(base)), /could not be read/);
});


test('an ObjectId compared with the previous value: the same bytes keep it, other bytes give their own hex', () => {
  const known = '7fffffff0000000000000003';
  const previous = parseHello('a:27017', { ok: 1, isWritablePrimary: true, setName: 'rs', electionId: known, topologyVersion: { processId: known, counter: 1 } }, { roundTripTime: 1 }, 1);
  assert.is(previous.electionId, known);
  // One word differing at a time (each ObjectId word is 6 hex digits), and the last digit alone.
  for (const other of ['6fffffff0000000000000003', '7ffffffe0000000000000003', '7fffffff0000010000000003', '7fffffff0000000000000004']) {
    const sd = parseHello('a:27017', { ok: 1, isWritablePrimary: true, setName: 'rs', electionId: new ObjectId(other), topologyVersion: { processId: new ObjectId(other), counter: 1 } }, { roundTripTime: 1 }, 2, previous);
    assert.is(sd.electionId, other);
    assert.is(sd.topologyVersion?.processId, other);
  }
  const same = parseHello('a:27017', { ok: 1, isWritablePrimary: true, setName: 'rs', electionId: new ObjectId(known), topologyVersion: { processId: new ObjectId(known), counter: 1 } }, { roundTripTime: 1 }, 2, previous);
  assert.is(same.electionId, known);
  assert.is(same.topologyVersion, previous.topologyVersion); // shared when unchanged
  // Not the bson class (no _bsontype): words are not trusted, its toHexString decides.
  const impostor = { i0: 0x7fffff, i1: 0xff0000, i2: 0x000000, i3: 0x000003, toHexString: () => '0123456789abcdef01234567' };
  assert.is(parseHello('a:27017', { ok: 1, isWritablePrimary: true, setName: 'rs', electionId: impostor }, { roundTripTime: 1 }, 2, previous).electionId, '0123456789abcdef01234567');
});

test.run();
