import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Int32, Long, ObjectId, Double } from 'bson';
import { assertUnifiedMatch, bsonTypeOf, MatchOperatorError, unifiedMismatch, type MatchEntities } from '../../../spec-tests/unified/matcher.js';
import { SpecMismatch } from '../../../spec-tests/assert.js';

const entities: MatchEntities = {
  bsonEntity: (name) => {
    if (name === 'id0') return new ObjectId('64b7f0000000000000000001');
    throw new MatchOperatorError(`no entity ${name}`);
  },
  sessionLsid: (name) => {
    if (name === 'session0') return { id: 'abc' };
    throw new MatchOperatorError(`no session ${name}`);
  },
};

const matches = (expected: unknown, actual: unknown, root = true): boolean => unifiedMismatch(expected, actual, { root, entities }) === null;

test('root documents allow extra keys, nested documents do not', () => {
  assert.ok(matches({ x: 1 }, { x: 1, y: 2 }));
  assert.not.ok(matches({ x: 1, y: 1 }, { x: 1 }));
  assert.not.ok(matches({ x: { y: 1 } }, { x: { y: 1, z: 1 } }));
  assert.not.ok(matches({ x: 1 }, { x: 1, y: 2 }, false));
  // Array elements are not root documents (distinct results), unless the caller says so.
  assert.not.ok(matches([{ x: 1 }], [{ x: 1, y: 1 }]));
});

test('key order does not matter; arrays must have the same length', () => {
  assert.ok(matches({ x: 1, y: { a: 1, b: 2 } }, { y: { b: 2, a: 1 }, x: 1 }));
  assert.not.ok(matches([1, 2, 3], [1, 2, 3, 4]));
  assert.not.ok(matches([1, 2], [2, 1]));
});

test('numbers compare by value whatever their BSON type', () => {
  assert.ok(matches({ ok: 1 }, { ok: 1.0 }));
  assert.ok(matches({ n: 5 }, { n: Long.fromNumber(5) }));
  assert.ok(matches({ n: new Int32(5) }, { n: 5 }));
  assert.ok(matches({ n: 5 }, { n: new Double(5) }));
  assert.not.ok(matches({ n: 1 }, { n: 1.5 }));
  assert.not.ok(matches({ n: 1 }, { n: '1' }));
  assert.not.ok(matches({ n: 0 }, { n: null }));
});

test('$$exists under a key', () => {
  assert.ok(matches({ a: { $$exists: true } }, { a: null }));
  assert.ok(matches({ a: { $$exists: false } }, { b: 1 }));
  assert.not.ok(matches({ a: { $$exists: false } }, { a: 1 }));
  assert.not.ok(matches({ a: { $$exists: true } }, {}));
  assert.throws(() => assertUnifiedMatch({ a: { $$exists: 'yes' } }, { a: 1 }), (e: unknown) => e instanceof MatchOperatorError);
});

test('$$type with one alias or a list, and unknown aliases are test errors', () => {
  assert.ok(matches({ a: { $$type: 'string' } }, { a: 'x' }));
  assert.ok(matches({ a: { $$type: ['int', 'long'] } }, { a: Long.fromNumber(3) }));
  assert.ok(matches({ a: { $$type: ['int', 'long'] } }, { a: 3 }));
  assert.ok(matches({ a: { $$type: 'objectId' } }, { a: new ObjectId() }));
  assert.ok(matches({ a: { $$type: 'object' } }, { a: { b: 1 } }));
  assert.ok(matches({ a: { $$type: 'array' } }, { a: [1] }));
  assert.not.ok(matches({ a: { $$type: 'string' } }, { a: 1 }));
  assert.not.ok(matches({ a: { $$type: 'string' } }, {}));
  assert.throws(() => assertUnifiedMatch({ a: { $$type: 'strng' } }, { a: 'x' }), /unknown type 'strng'/);
  assert.is(bsonTypeOf(new Date(0)), 'date');
  assert.is(bsonTypeOf(2 ** 40), 'long');
  assert.is(bsonTypeOf(1.5), 'double');
});

test('$$unsetOrMatches: absent, or matching (nested operators allowed)', () => {
  assert.ok(matches({ a: { $$unsetOrMatches: 1 } }, {}));
  assert.ok(matches({ a: { $$unsetOrMatches: 1 } }, { a: 1 }));
  assert.not.ok(matches({ a: { $$unsetOrMatches: 1 } }, { a: 2 }));
  assert.ok(matches({ $$unsetOrMatches: { insertedId: { $$unsetOrMatches: 3 } } }, undefined));
  assert.ok(matches({ $$unsetOrMatches: { insertedId: { $$unsetOrMatches: 3 } } }, { insertedId: 3, acknowledged: true }));
  assert.not.ok(matches({ $$unsetOrMatches: { insertedId: { $$unsetOrMatches: 3 } } }, { insertedId: 4 }));
});

test('$$matchesEntity and $$sessionLsid look up the entity map', () => {
  assert.ok(matches({ _id: { $$matchesEntity: 'id0' } }, { _id: new ObjectId('64b7f0000000000000000001') }));
  assert.not.ok(matches({ _id: { $$matchesEntity: 'id0' } }, { _id: new ObjectId('64b7f0000000000000000002') }));
  assert.ok(matches({ lsid: { $$sessionLsid: 'session0' } }, { lsid: { id: 'abc' } }));
  assert.not.ok(matches({ lsid: { $$sessionLsid: 'session0' } }, { lsid: { id: 'abd' } }));
  assert.throws(() => assertUnifiedMatch({ lsid: { $$sessionLsid: 'nope' } }, { lsid: {} }, '', { entities }), /no session nope/);
});

test('$$lte, $$matchesHexBytes, $$matchAsDocument and $$matchAsRoot', () => {
  assert.ok(matches({ n: { $$lte: 5 } }, { n: 5.0 }));
  assert.ok(matches({ n: { $$lte: 1 } }, { n: 0 }));
  assert.not.ok(matches({ n: { $$lte: 1 } }, { n: 1.1 }));
  assert.ok(matches({ b: { $$matchesHexBytes: '12AB' } }, { b: new Uint8Array([0x12, 0xab]) }));
  assert.throws(() => assertUnifiedMatch({ b: { $$matchesHexBytes: '123' } }, { b: '' }), /even number/);
  assert.ok(matches({ c: { $$matchAsDocument: { find: 'x' } } }, { c: '{"find":"x"}' }));
  assert.not.ok(matches({ c: { $$matchAsDocument: { find: 'x' } } }, { c: '{"find":"x","filter":{}}' }));
  assert.ok(matches({ c: { $$matchAsDocument: { $$matchAsRoot: { find: 'x' } } } }, { c: '{"find":"x","filter":{}}' }));
  assert.ok(matches({ c: { $$matchAsRoot: { a: 1 } } }, { c: { a: 1, b: 2 } }));
});

test('a mismatch names the path of the first difference', () => {
  try {
    assertUnifiedMatch({ command: { documents: [{ _id: 1 }, { _id: 2 }] } }, { command: { documents: [{ _id: 1 }, { _id: 3 }] } });
    assert.unreachable('should not match');
  } catch (error) {
    assert.instance(error, SpecMismatch);
    assert.is((error as SpecMismatch).path, 'command.documents[1]._id');
  }
  assert.throws(() => assertUnifiedMatch({ $$bogus: 1 }, 1), /unknown special operator \$\$bogus/);
});

test.run();
