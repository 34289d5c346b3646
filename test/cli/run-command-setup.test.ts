// `mongosim run` setup errors, as a user meets them: a child process on the built CLI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { maxScenarioFileBytes } from '../../cli/run-command.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
/** A command that reads a stream whole never ends; this bound turns that into a failed test. */
const childTimeoutMs = 20_000;

function mongosim(args: string[]): { status: number | null; stdout: string; stderr: string; signal: NodeJS.Signals | null } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: childTimeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-run-setup-'));

test('a stream (/dev/zero) is refused at the size limit, not read whole: one line, exit 2', () => {
  const r = mongosim(['run', '/dev/zero']);
  assert.is(r.signal, null, 'the command was killed: it read the stream without a bound');
  assert.is(r.status, 2);
  assert.match(r.stderr, `/dev/zero is larger than ${maxScenarioFileBytes} bytes`);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
});

test('a regular file over the limit is refused from its size, before it is read', () => {
  const big = path.join(dir, 'big.yml');
  // Sparse, so the test costs no disk: 3 GiB is beyond what readFileSync can even hold.
  const fd = fs.openSync(big, 'w');
  fs.ftruncateSync(fd, 3 * 1024 ** 3);
  fs.closeSync(fd);
  const r = mongosim(['run', big]);
  assert.is(r.status, 2);
  assert.match(r.stderr, `big.yml is larger than ${maxScenarioFileBytes} bytes (${3 * 1024 ** 3} bytes)`);
});

test('a directory given as the scenario file is one clear line, exit 2', () => {
  const r = mongosim(['run', dir]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /cannot read scenario .*: it is a directory/);
  assert.not.match(r.stderr, /\n\s+at /);
});

test('--json still prints its one object, with an error field, when the scenario cannot be used', () => {
  const bad = mongosim(['run', path.join(root, 'fixtures/scenarios/invalid/bad-member-field.yml'), '--json']);
  assert.is(bad.status, 2);
  const lines = bad.stdout.trim().split('\n');
  assert.is(lines.length, 1);
  const report = JSON.parse(lines[0]!) as { error: string };
  assert.match(report.error, /bad-member-field\.yml:9: field topology\.replicaSet\.members\[1\]\.priorty/);
  const usage = mongosim(['run', '--json', '--seed', 'x', 'f.yml']);
  assert.is(usage.status, 2);
  assert.match((JSON.parse(usage.stdout) as { error: string }).error, /--seed "x"/);
});

test('--help names where the scenario schema is in the installed package, and that file ships in it', () => {
  const r = mongosim(['run', '--help']);
  assert.is(r.status, 0);
  const named = /schema: (\S+)/.exec(r.stdout);
  assert.ok(named, r.stdout);
  assert.ok(path.isAbsolute(named[1]!), `an absolute path, not one relative to a checkout: ${named[1]}`);
  assert.ok(fs.existsSync(named[1]!), named[1]);
  assert.match(fs.readFileSync(named[1]!, 'utf8'), '## Schema');
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  assert.is(pack.status, 0, pack.stderr);
  const files = (JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
  assert.ok(files.includes(path.relative(root, named[1]!).split(path.sep).join('/')), 'the schema file is part of the package');
});

test.run();
