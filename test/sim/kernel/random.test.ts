import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimRandom } from '../../../sim/kernel/random.js';
import { World } from '../../../sim/world.js';

function draws(r: SimRandom, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.int(1_000_000));
  return out;
}

test('the same (seed, stream) reproduces the same draws', () => {
  assert.equal(draws(new SimRandom(7, 'network'), 50), draws(new SimRandom(7, 'network'), 50));
});

test('different seeds and different stream names give different draws', () => {
  const base = draws(new SimRandom(7, 'network'), 20);
  assert.not.equal(draws(new SimRandom(8, 'network'), 20), base);
  assert.not.equal(draws(new SimRandom(7, 'network2'), 20), base);
  assert.not.equal(draws(new SimRandom(7, 'a:27017'), 20), draws(new SimRandom(7, 'b:27017'), 20));
});

test('adding and drawing from other streams never changes a stream\'s draws', () => {
  const alone = new World({ seed: 99 });
  const expected = draws(alone.random('network'), 100);

  const crowded = new World({ seed: 99 });
  const extra = crowded.random('member:d:27017');
  const out: number[] = [];
  for (let i = 0; i < 100; i++) {
    extra.int(10);
    crowded.random(`member:${i}`).float();
    out.push(crowded.random('network').int(1_000_000));
  }
  assert.equal(out, expected);
});

test('World.random returns the same stream object for the same name', () => {
  const w = new World({ seed: 1 });
  assert.is(w.random('x'), w.random('x'));
  assert.is.not(w.random('x'), w.random('y'));
  assert.throws(() => w.random(''), /non-empty/);
});

test('int stays in range and covers it; float stays in [0, 1)', () => {
  const r = new SimRandom(3, 'range');
  const seen = new Array(7).fill(0);
  for (let i = 0; i < 7000; i++) {
    const v = r.int(7);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 7);
    seen[v]++;
  }
  for (const count of seen) assert.ok(count > 800 && count < 1200, `bucket count ${count} is far from uniform`);
  let sum = 0;
  for (let i = 0; i < 10_000; i++) {
    const f = r.float();
    assert.ok(f >= 0 && f < 1);
    sum += f;
  }
  assert.ok(Math.abs(sum / 10_000 - 0.5) < 0.02);
  assert.is(r.int(1), 0);
  const between = r.intBetween(-5, 5);
  assert.ok(between >= -5 && between <= 5);
});

test('chance(0) and chance(1) are certain; pick picks an element', () => {
  const r = new SimRandom(3, 'chance');
  assert.is(r.chance(0), false);
  assert.is(r.chance(1), true);
  assert.ok(['a', 'b'].includes(r.pick(['a', 'b'])));
});

test('bad arguments are rejected with the bad value named', () => {
  const r = new SimRandom(3, 'bad');
  assert.throws(() => r.int(0), /maxExclusive 0/);
  assert.throws(() => r.int(2.5), /maxExclusive 2.5/);
  assert.throws(() => r.intBetween(3, 1), /\[3, 1\]/);
  assert.throws(() => r.pick([]), /empty/);
  assert.throws(() => new SimRandom(-1, 'x'), /seed -1/);
  assert.throws(() => new SimRandom(1.5, 'x'), /seed 1.5/);
  assert.throws(() => new World({ seed: Number.NaN }), /seed NaN/);
});

test.run();
