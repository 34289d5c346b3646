import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runReport, formatHuman, formatJunit, toJson, totals } from '../../spec-tests/report.js';
import { sha256File } from '../../spec-tests/lock.js';
import { assertMatches } from '../../spec-tests/assert.js';
import type { SpecSuite } from '../../spec-tests/suite.js';

// A toy suite: each entry of `tests` is a unit that passes when `a + b === sum`.
const toy: SpecSuite = {
  name: 'toy',
  dir: 'toy/tests',
  recursive: true,
  cases: ({ relPath, json }) => {
    const doc = json as { tests?: Array<{ description: string; a: number; b: number; sum: number }> };
    if (!Array.isArray(doc.tests)) throw new Error(`${relPath}: no tests array`);
    return doc.tests.map((t) => ({
      id: `${relPath}: ${t.description}`,
      file: relPath,
      description: t.description,
      run: () => assertMatches({ sum: t.a + t.b }, { sum: t.sum }),
    }));
  },
};

function toyTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-report-'));
  fs.mkdirSync(path.join(root, 'toy', 'tests', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(root, 'toy', 'tests', 'one.json'), JSON.stringify({ tests: [{ description: 'adds', a: 1, b: 2, sum: 3 }, { description: 'wrong', a: 1, b: 1, sum: 3 }] }));
  fs.writeFileSync(path.join(root, 'toy', 'tests', 'nested', 'two.json'), JSON.stringify({ tests: [{ description: 'skipped one', a: 0, b: 0, sum: 9 }] }));
  fs.writeFileSync(path.join(root, 'toy', 'tests', 'broken.json'), JSON.stringify({ nothing: true }));
  fs.writeFileSync(path.join(root, 'toy', 'tests', 'notes.md'), 'not a test');
  return root;
}

test('counts passes, failures (with the first difference) and skips from skips.yml', async () => {
  const root = toyTree();
  const report = await runReport({
    tree: { root, source: 'flag', verify: false },
    suites: [toy],
    skips: [
      { suite: 'toy', test: 'nested/two.json: skipped one', reason: 'shows skipping' },
      { suite: 'toy', test: 'gone.json: x', reason: 'stale' },
    ],
  });
  const s = report.suites[0]!;
  assert.is(s.total, 4);
  assert.is(s.passed, 1);
  assert.is(s.failed, 2);
  assert.is(s.skipped, 1);
  assert.equal(s.skips, [{ test: 'nested/two.json: skipped one', reason: 'shows skipping' }]);
  const wrong = s.failures.find((f) => f.test === 'one.json: wrong');
  assert.ok(wrong);
  assert.match(wrong.difference, 'sum: expected 3, got 2');
  assert.ok(s.failures.some((f) => f.test === 'broken.json' && /no tests array/.test(f.difference)), 'an unsplittable file is a failure');
  assert.equal(report.unusedSkips.map((u) => u.test), ['gone.json: x']);
  assert.equal(totals(report), { total: 4, passed: 1, failed: 2, skipped: 1 });

  const human = formatHuman(report);
  assert.match(human, 'unverified tree');
  assert.match(human, /toy\s+4\s+1\s+2\s+1/);
  assert.match(human, 'shows skipping');
  assert.match(human, 'skips.yml entry matches no test');

  const json = toJson(report) as { verified: boolean; suites: Array<Record<string, unknown>> };
  assert.is(json.verified, false);
  assert.equal(Object.keys(json.suites[0]!), ['suite', 'total', 'passed', 'failed', 'skipped', 'failures', 'skips']);

  const junit = formatJunit(report);
  assert.match(junit, '<testsuite name="toy" tests="4" failures="2" skipped="1">');
  assert.match(junit, 'name="one.json: adds"/>');
});

test('a verified tree is checked against the lock before anything runs', async () => {
  const root = toyTree();
  const files = Object.fromEntries(['one.json', 'nested/two.json', 'broken.json'].map((f) => [`toy/tests/${f}`, sha256File(path.join(root, 'toy', 'tests', f))]));
  const lock = { repository: 'r', commit: 'c'.repeat(40), files };
  const ok = await runReport({ tree: { root, source: 'env', verify: true }, suites: [toy], skips: [], lock });
  assert.is(ok.verified, true);
  assert.is(ok.specCommit, 'c'.repeat(40));
  fs.writeFileSync(path.join(root, 'toy', 'tests', 'one.json'), '{"tests": []}');
  try {
    await runReport({ tree: { root, source: 'env', verify: true }, suites: [toy], skips: [], lock });
    assert.unreachable('a changed file must stop the run');
  } catch (err) {
    assert.match((err as Error).message, 'changed: toy/tests/one.json');
  }
});

test('the lock check covers the files the selected suites read, and each file is read once', async () => {
  const root = toyTree();
  fs.mkdirSync(path.join(root, 'other', 'tests'), { recursive: true });
  fs.writeFileSync(path.join(root, 'other', 'tests', 'x.json'), '{"tests": []}');
  const pinned = ['toy/tests/one.json', 'toy/tests/nested/two.json', 'toy/tests/broken.json', 'other/tests/x.json'];
  const files = Object.fromEntries(pinned.map((f) => [f, sha256File(path.join(root, f))]));
  const lock = { repository: 'r', commit: 'c'.repeat(40), files };
  // A changed file of a suite that does not run is not this run's business (issue 14: hash only what runs)...
  fs.writeFileSync(path.join(root, 'other', 'tests', 'x.json'), '{"tests": [1]}');
  const ok = await runReport({ tree: { root, source: 'env', verify: true }, suites: [toy], skips: [], lock });
  assert.is(totals(ok).total, 4);
  // ...but a pinned file of the selected suite that is gone still stops the run before anything runs.
  fs.rmSync(path.join(root, 'toy', 'tests', 'nested', 'two.json'));
  let ran = 0;
  const counting: SpecSuite = { ...toy, cases: (file) => { ran++; return toy.cases(file); } };
  try {
    await runReport({ tree: { root, source: 'env', verify: true }, suites: [counting], skips: [], lock });
    assert.unreachable('a missing pinned file must stop the run');
  } catch (err) {
    assert.match((err as Error).message, 'missing: toy/tests/nested/two.json');
    assert.not.match((err as Error).message, 'other/tests/x.json');
  }
  assert.is(ran, 0, 'no case may run before the check');
});

test('an async case that rejects is reported as a failure', async () => {
  const suite: SpecSuite = { ...toy, cases: ({ relPath }) => [{ id: relPath, file: relPath, description: 'x', run: () => Promise.reject(new Error('boom')) }] };
  const root = toyTree();
  const report = await runReport({ tree: { root, source: 'flag', verify: false }, suites: [suite], skips: [] });
  assert.is(report.suites[0]!.failed, 3);
  assert.match(report.suites[0]!.failures[0]!.difference, 'boom');
});

test.run();
