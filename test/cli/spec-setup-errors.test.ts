// `mongosim spec` setup errors: each is one clear line on stderr and exit status 2, never a
// stack trace; with --json, stdout still holds exactly one JSON object (with an `error` field).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLock } from '../../spec-tests/lock.js';
import { cacheDir, locateSpecs, sharedDir, SpecTreeError } from '../../spec-tests/locate.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'main.js');

function mongosim(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MONGOSIM_SPECS_DIR: '', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLine(stderr: string): void {
  assert.is(stderr.trimEnd().split('\n').length, 1, `one line, got:\n${stderr}`);
  assert.not.match(stderr, /\bat .*\.js:\d+/, 'no stack trace');
}

function privateTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-spec-setup-'));
  const dir = path.join(root, 'connection-string', 'tests');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'one.json'), JSON.stringify({ tests: [{ description: 'plain', uri: 'mongodb://example.com', valid: true, warning: false, hosts: null, auth: null, options: null }] }));
  return root;
}

/** A tree in place of the pinned one where the first pinned connection-string file is a directory (or changed). */
function tamperedTree(how: 'directory' | 'changed'): { root: string; rel: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-spec-tampered-'));
  const rel = Object.keys(readLock().files).find((f) => f.startsWith('connection-string/'))!;
  const file = path.join(root, rel);
  if (how === 'directory') fs.mkdirSync(file, { recursive: true });
  else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"tests": []}');
  }
  return { root, rel };
}

test('an unwritable --junit path: one line, exit 2, before the suites run', () => {
  const r = mongosim(['spec', '--suite', 'connection-string', '--specs', privateTree(), '--junit', '/nonexistent-dir/report.xml']);
  assert.is(r.status, 2);
  assertOneLine(r.stderr);
  assert.match(r.stderr, /--junit \/nonexistent-dir\/report\.xml: cannot write/);
  assert.is(r.stdout, '', 'nothing ran');
});

test('an unwritable --json-file path under --json: one line, exit 2, and one JSON object with the error', () => {
  const r = mongosim(['spec', '--suite', 'connection-string', '--specs', privateTree(), '--json', '--json-file', os.tmpdir()]);
  assert.is(r.status, 2);
  assertOneLine(r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, 1);
  assert.match((JSON.parse(lines[0]!) as { error: string }).error, /--json-file .*: cannot write/);
});

test('a directory in place of a pinned spec file: one line naming it, exit 2', () => {
  const t = tamperedTree('directory');
  const r = mongosim(['spec', '--suite', 'connection-string'], { MONGOSIM_SPECS_DIR: t.root });
  assert.is(r.status, 2);
  assertOneLine(r.stderr);
  assert.match(r.stderr, `not a file: ${t.rel}`);
});

test('a tampered tree under --json: one line on stderr, one JSON object with the error on stdout, exit 2', () => {
  const t = tamperedTree('changed');
  const r = mongosim(['spec', '--suite', 'connection-string', '--json'], { MONGOSIM_SPECS_DIR: t.root });
  assert.is(r.status, 2);
  assertOneLine(r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, 1, r.stdout);
  const report = JSON.parse(lines[0]!) as { error: string };
  assert.match(report.error, 'does not match fixtures/specifications.lock');
  assert.match(report.error, `changed: ${t.rel}`);
});

test('usage errors under --json print the JSON error object too', () => {
  const r = mongosim(['spec', '--json', '--suite', 'no-such-suite']);
  assert.is(r.status, 2);
  assertOneLine(r.stderr);
  assert.match((JSON.parse(r.stdout) as { error: string }).error, "unknown suite 'no-such-suite'");
});

test('no specifications tree at all: one line that still lists the places and the fetch command', () => {
  const pkg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-no-tree-')), 'pkg');
  try {
    locateSpecs({ root: pkg });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, SpecTreeError);
    const message = (error as Error).message;
    assert.not.match(message, '\n');
    for (const part of ['--specs DIR', 'MONGOSIM_SPECS_DIR', sharedDir(pkg), cacheDir(pkg), 'npm run specs:fetch']) assert.match(message, part);
  }
});

test.run();
