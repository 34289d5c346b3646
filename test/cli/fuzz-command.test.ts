import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuzzCommand, parseFuzzArgs } from '../../cli/fuzz-command.js';
import { runScenarioCommand } from '../../cli/run-command.js';
import { bugs } from '../../core/bugs.js';
import { UsageError } from '../../cli/usage-error.js';
import { captureOutput } from '../support/capture-output.js';

const capture = captureOutput;

const dir = mkdtempSync(join(tmpdir(), 'mongosim-fuzz-'));

test('bad arguments are one clear usage error each', () => {
  const bad = (argv: string[], re: RegExp, env: NodeJS.ProcessEnv = {}) => assert.throws(() => parseFuzzArgs(argv, env, () => 1), (e: Error) => e instanceof UsageError && re.test(e.message));
  bad(['--runs', '5', '--time', '1s'], /--runs or --time, not both/);
  bad(['--members', '4'], /--members "4" must be 3 or 5/);
  bad(['--topology', 'sharded'], /sharded is not supported yet/);
  bad(['--shard', '3/3'], /k must be in \[0, n\)/);
  bad(['--shard', '4'], /no shard index/);
  bad(['--path', '1:2'], /give both/);
  bad(['--time', 'soon'], /--time "soon" must be a duration/);
  bad(['--workload', join(dir, 'missing.yml')], /cannot read --workload/);
  assert.equal(parseFuzzArgs(['--shard', '4'], { JOB_COMPLETION_INDEX: '2' }, () => 1), { ...(parseFuzzArgs([], {}, () => 1) as object), shard: { index: 2, count: 4 } });
});

test('--json prints one report; a clean campaign exits 0 and writes nothing', async () => {
  const out = join(dir, 'clean');
  const r = await capture(() => fuzzCommand(['--runs', '6', '--seed', '3', '--json', '--out', out]));
  assert.is(r.code, 0, r.err);
  const report = JSON.parse(r.out) as { runs: number; failures: unknown[]; files: string[]; seed: number };
  assert.is(report.runs, 6);
  assert.is(report.seed, 3);
  assert.equal(report.failures, []);
  assert.equal(report.files, []);
  assert.is(r.err, '', 'quiet under --json');
});

test('a failure is written as a scenario that mongosim run replays to the same failure; merge adds shard reports up', async () => {
  const out = join(dir, 'found');
  bugs.primaryReadsFromSecondary = true;
  let found;
  let replay;
  try {
    found = await capture(() => fuzzCommand(['--runs', '20', '--seed', '4', '--json', '--out', out]));
    const files = readdirSync(out);
    assert.is(files.length, 1);
    replay = await capture(() => runScenarioCommand([join(out, files[0]!), '--json']));
  } finally {
    bugs.primaryReadsFromSecondary = false;
  }
  assert.is(found.code, 1);
  const report = JSON.parse(found.out) as { failures: Array<{ failures: Array<{ checker: string; message: string }>; seed: number; path: string }>; files: string[] };
  assert.is(report.failures.length, 1);
  assert.match(readFileSync(report.files[0]!, 'utf8'), /# replay the fuzz case:  mongosim fuzz --members 3 --seed 4 --path /);
  assert.is(replay.code, 1);
  const replayed = JSON.parse(replay.out) as { failures: Array<{ checker: string; message: string }> };
  assert.equal(replayed.failures.map((f) => f.message), report.failures[0]!.failures.map((f) => f.message));
  // Shard reports merge; the merged report keeps the failure.
  const a = join(dir, 'a.json');
  const b = join(dir, 'b.json');
  writeFileSync(a, (await capture(() => fuzzCommand(['--runs', '4', '--seed', '9', '--shard', '0/2', '--json', '--out', out]))).out);
  writeFileSync(b, (await capture(() => fuzzCommand(['--runs', '4', '--seed', '9', '--shard', '1/2', '--json', '--out', out]))).out);
  const merged = await capture(() => fuzzCommand(['merge', a, b]));
  assert.is(merged.code, 0);
  const m = JSON.parse(merged.out) as { runs: number; shards: unknown[] };
  assert.is(m.runs, 4);
  assert.equal(m.shards, [{ index: 0, count: 2 }, { index: 1, count: 2 }]);
});

test.run();
