// The `mongosim spec` command end to end, as a user runs it: a child process on the built CLI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'main.js');

function mongosim(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env, MONGOSIM_SPECS_DIR: env['MONGOSIM_SPECS_DIR'] ?? '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A private tree in the upstream layout holding one passing and one failing connection-string test. */
function privateTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-cli-'));
  const dir = path.join(root, 'connection-string', 'tests');
  fs.mkdirSync(dir, { recursive: true });
  const host = { type: 'hostname', host: 'example.com', port: null };
  fs.writeFileSync(
    path.join(dir, 'extra.json'),
    JSON.stringify({
      tests: [
        { description: 'plain host', uri: 'mongodb://example.com', valid: true, warning: false, hosts: [host], auth: null, options: null },
        { description: 'deliberately wrong expectation', uri: 'mongodb://example.com', valid: false, warning: false, hosts: null, auth: null, options: null },
      ],
    }),
  );
  return root;
}

test('--json prints exactly one JSON object; --specs trees are unverified; failures set the exit status', () => {
  const r = mongosim(['spec', '--suite', 'connection-string', '--specs', privateTree(), '--json']);
  assert.is(r.status, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, 1);
  const report = JSON.parse(lines[0]!) as { verified: boolean; suites: Array<{ suite: string; total: number; passed: number; failed: number; failures: Array<{ test: string }> }> };
  assert.is(report.verified, false);
  assert.equal(report.suites.map((s) => [s.suite, s.total, s.passed, s.failed]), [['connection-string', 2, 1, 1]]);
  assert.equal(report.suites[0]!.failures.map((f) => f.test), ['extra.json: deliberately wrong expectation']);
});

test('the human table names the tree as unverified and lists the failure', () => {
  const r = mongosim(['spec', '--suite', 'connection-string', '--specs', privateTree()]);
  assert.is(r.status, 1);
  assert.match(r.stdout, 'unverified tree');
  assert.match(r.stdout, /connection-string\s+2\s+1\s+1\s+0/);
  assert.match(r.stdout, 'extra.json: deliberately wrong expectation');
});

test('--junit writes a JUnit file', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-junit-')), 'report.xml');
  mongosim(['spec', '--suite', 'connection-string', '--specs', privateTree(), '--junit', out]);
  const xml = fs.readFileSync(out, 'utf8');
  assert.match(xml, '<testsuite name="connection-string" tests="2" failures="1" skipped="0">');
});

test('usage errors exit with status 2 and a plain message', () => {
  const unknown = mongosim(['spec', '--suite', 'no-such-suite']);
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, "unknown suite 'no-such-suite'");
  assert.match(unknown.stderr, 'connection-string');
  const missing = mongosim(['spec', '--specs', '/nonexistent/specs']);
  assert.is(missing.status, 2);
  assert.match(missing.stderr, '--specs /nonexistent/specs: no such directory');
  const badFlag = mongosim(['spec', '--bogus']);
  assert.is(badFlag.status, 2);
  assert.match(badFlag.stderr, '--bogus');
  const badCommand = mongosim(['frobnicate']);
  assert.is(badCommand.status, 2);
  assert.match(badCommand.stderr, "unknown command 'frobnicate'");
});

test('MONGOSIM_SPECS_DIR trees are verified against the lock', () => {
  const r = mongosim(['spec', '--suite', 'connection-string'], { MONGOSIM_SPECS_DIR: privateTree() });
  assert.is(r.status, 2);
  assert.match(r.stderr, 'does not match fixtures/specifications.lock');
});

test.run();
