import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSkips, readSkips, SkipsFileError } from '../../spec-tests/skips.js';

test('the project skips file parses and every entry has a one-line reason', () => {
  for (const s of readSkips()) {
    assert.ok(s.reason.trim().length > 0);
    assert.not.ok(s.reason.includes('\n'));
  }
});

test('entries parse from one-line flow mappings', () => {
  const skips = parseSkips(`- { suite: sdam/rs, test: "a.json", reason: "needs x" }\n- { suite: cmap, test: "b: c", reason: "why" }\n`);
  assert.equal(skips, [
    { suite: 'sdam/rs', test: 'a.json', reason: 'needs x' },
    { suite: 'cmap', test: 'b: c', reason: 'why' },
  ]);
  assert.equal(parseSkips('[]'), []);
  assert.equal(parseSkips('# only comments\n'), []);
});

const bad: Array<[string, RegExp]> = [
  [`- { suite: s, test: t }`, /entry 1: 'reason' must be a non-empty string/],
  [`- { suite: s, test: t, reason: "" }`, /'reason' must be a non-empty string/],
  [`- { suite: s, test: t, reason: r, extra: 1 }`, /unknown field 'extra'/],
  [`- { suite: s, test: t, reason: "a\\nb" }`, /one line/],
  [`- { suite: s, test: t, reason: r }\n- { suite: s, test: t, reason: r2 }`, /entry 2: duplicate skip/],
  [`suite: s`, /must be a list/],
  [`- [1, 2]`, /entry 1 is not a mapping/],
  [`- { suite: s, test: "unterminated }`, /skips\.yml/],
];
for (const [text, re] of bad) {
  test(`rejects: ${text.replace(/\n/g, ' | ')}`, () => {
    assert.throws(() => parseSkips(text), (err: unknown) => err instanceof SkipsFileError && re.test((err as Error).message));
  });
}

test.run();
