import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RandomSource } from '../../../core/random.js';
import { chooseInWindow } from '../../../core/selection/index.js';
import { server } from './helpers.js';

/** A RandomSource that replays fixed draws and records each bound it was asked for. */
function scripted(draws: number[]): RandomSource & { bounds: number[] } {
  const bounds: number[] = [];
  return {
    bounds,
    int(maxExclusive) {
      bounds.push(maxExclusive);
      const value = draws.shift();
      if (value === undefined) throw new Error('no draws left');
      return value;
    },
  };
}

const window = ['a:1', 'b:1', 'c:1', 'd:1'].map((a) => server(a, { type: 'Mongos', roundTripTime: 1 }));

test('one draw over n·(n-1) covers every ordered pair of distinct servers exactly once', () => {
  // With counts ascending a < b < c < d, the lower-count server of a pair is always selected:
  // each unordered pair {x, y} appears twice (x first, y first), so min(x, y) wins both times.
  const counts = new Map([['a:1', 0], ['b:1', 1], ['c:1', 2], ['d:1', 3]]);
  const wins = new Map<string, number>();
  for (let draw = 0; draw < 12; draw++) {
    const random = scripted([draw]);
    const chosen = chooseInWindow(window, random, counts);
    assert.equal(random.bounds, [12]);
    wins.set(chosen.address, (wins.get(chosen.address) ?? 0) + 1);
  }
  // a is the lower of 3 pairs (×2 orders) = 6; b of 2 pairs = 4; c of 1 pair = 2; d never.
  assert.equal(Object.fromEntries(wins), { 'a:1': 6, 'b:1': 4, 'c:1': 2 });
});

test('ties go to the first pick, which is uniform; a single server needs no draw', () => {
  const picks = new Set<string>();
  for (let draw = 0; draw < 12; draw++) picks.add(chooseInWindow(window, scripted([draw])).address);
  assert.equal([...picks].sort(), ['a:1', 'b:1', 'c:1', 'd:1']);
  const random = scripted([]);
  assert.is(chooseInWindow([window[0]!], random), window[0]);
  assert.equal(random.bounds, []);
});

test('very large windows fall back to two draws so the bound stays within 31 bits', () => {
  const many = Array.from({ length: 50_000 }, (_, i) => server(`h${i}:1`, { type: 'Mongos', roundTripTime: 1 }));
  const random = scripted([10, 10]);
  const chosen = chooseInWindow(many, random);
  assert.equal(random.bounds, [50_000, 49_999]);
  assert.is(chosen.address, 'h10:1', 'i = 10; j = 10 shifted to 11 (distinct); equal counts keep the first');
});

test('an empty window is a programming error, reported clearly', () => {
  assert.throws(() => chooseInWindow([], scripted([])), /at least one server/);
});

test.run();
