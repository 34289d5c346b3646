import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ObjectId, Timestamp } from 'bson';
import { matches, project, sortComparator } from '../../../sim/mongod/query.js';
import { applyUpdate, upsertSeed, validateUpdate } from '../../../sim/mongod/update.js';
import { compareValues, valueKey, getPath } from '../../../sim/mongod/values.js';
import { CommandError } from '../../../sim/mongod/errors.js';

test('BSON order across types: null < numbers < strings < objects < arrays < ObjectId < booleans < dates < timestamps', () => {
  const ordered = [null, -1, 2.5, 'a', 'b', { a: 1 }, [1], new ObjectId('000000000000000000000001'), false, true, new Date(5), new Timestamp({ t: 1, i: 1 })];
  for (let i = 0; i + 1 < ordered.length; i++) assert.ok(compareValues(ordered[i], ordered[i + 1]) < 0, `${i}`);
  assert.is(compareValues(undefined, null), 0);
  assert.is(compareValues([1, 2], [1, 2]), 0);
  assert.ok(compareValues([1, 2], [1, 3]) < 0);
});

test('valueKey is equal exactly for equal values', () => {
  assert.is(valueKey({ a: 1, b: 'x' }), valueKey({ a: 1, b: 'x' }));
  assert.is.not(valueKey(1), valueKey('1'));
  assert.is(valueKey(new ObjectId('000000000000000000000001')), valueKey(new ObjectId('000000000000000000000001')));
  assert.is(getPath({ a: { b: [{ c: 1 }] } }, 'a.b.0.c'), 1);
});

test('filters: dotted paths, null matches missing, $exists, $nin, $and/$nor, unknown operators', () => {
  const doc = { _id: 1, a: { b: 2 }, tags: ['x', 'y'], n: null };
  assert.ok(matches(doc, { 'a.b': 2 }));
  assert.ok(matches(doc, { missing: null }));
  assert.ok(matches(doc, { n: null }));
  assert.ok(matches(doc, { missing: { $exists: false } }));
  assert.not.ok(matches(doc, { a: { $exists: false } }));
  assert.ok(matches(doc, { tags: 'y' }));
  assert.ok(matches(doc, { tags: { $nin: ['z'] } }));
  assert.not.ok(matches(doc, { tags: { $nin: ['x'] } }));
  assert.ok(matches(doc, { $and: [{ _id: 1 }, { 'a.b': { $gte: 2 } }] }));
  assert.not.ok(matches(doc, { $nor: [{ _id: 1 }] }));
  assert.not.ok(matches(doc, { _id: { $ne: 1 } }));
  assert.throws(() => matches(doc, { a: { $regex: 'x' } }), (e: unknown) => e instanceof CommandError && e.code === 2);
  assert.throws(() => matches(doc, { $where: 'x' }), (e: unknown) => e instanceof CommandError && /unknown top level operator/.test(e.message));
  assert.throws(() => matches(doc, { $or: [] }), (e: unknown) => e instanceof CommandError);
});

test('sort and projection', () => {
  const docs = [{ _id: 1, a: 2 }, { _id: 2, a: 1 }, { _id: 3 }];
  assert.equal([...docs].sort(sortComparator({ a: 1 })).map((d) => d._id), [3, 2, 1]);
  assert.equal([...docs].sort(sortComparator({ a: -1, _id: 1 })).map((d) => d._id), [1, 2, 3]);
  assert.throws(() => sortComparator({ a: 2 }), /bad sort specification/);
  assert.equal(project({ _id: 1, a: { b: 1, c: 2 }, d: 3 }, { 'a.b': 1 }), { _id: 1, a: { b: 1 } });
  assert.equal(project({ _id: 1, a: { b: 1, c: 2 }, d: 3 }, { 'a.c': 0, _id: 0 }), { a: { b: 1 }, d: 3 });
  assert.throws(() => project({ _id: 1 }, { a: 1, b: 0 }), (e: unknown) => e instanceof CommandError && e.code === 31254);
});

test('updates are copy-on-write and validated', () => {
  const original = { _id: 1, a: { b: 1 }, n: 1 };
  const updated = applyUpdate(original, { $set: { 'a.c': 2 }, $inc: { n: 2 }, $push: { list: 'x' }, $max: { m: 5 } }, false);
  assert.equal(updated, { _id: 1, a: { b: 1, c: 2 }, n: 3, list: ['x'], m: 5 });
  assert.equal(original, { _id: 1, a: { b: 1 }, n: 1 }, 'the stored document is untouched');
  assert.equal(applyUpdate(original, { $min: { n: 0 } }, false)['n'], 0);
  assert.equal(applyUpdate(original, { $setOnInsert: { s: 1 } }, false), original);
  assert.equal(applyUpdate({}, { $setOnInsert: { s: 1 } }, true), { s: 1 });
  assert.equal(applyUpdate(original, { x: 1 }, false), { _id: 1, x: 1 });
  assert.throws(() => applyUpdate(original, { _id: 2, x: 1 }, false), (e: unknown) => e instanceof CommandError && e.code === 66);
  assert.throws(() => applyUpdate(original, { $set: { _id: 2 } }, false), (e: unknown) => e instanceof CommandError && e.code === 66);
  assert.throws(() => applyUpdate({ _id: 1, s: 'x' }, { $inc: { s: 1 } }, false), (e: unknown) => e instanceof CommandError && e.code === 14);
  assert.throws(() => validateUpdate({ $rename: { a: 'b' } }), /Unknown modifier: \$rename/);
  assert.throws(() => validateUpdate({ x: 1, $set: { a: 1 } }), (e: unknown) => e instanceof CommandError);
  assert.throws(() => validateUpdate({ $set: 5 }), /Modifiers operate on fields/);
  assert.equal(upsertSeed({ _id: 7, a: { $gt: 1 }, b: { $eq: 2 }, 'c.d': 3, $or: [{ x: 1 }] }), { _id: 7, b: 2, c: { d: 3 } });
});

test.run();
