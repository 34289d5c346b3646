// `npm pack` ships what a user runs and nothing else: the built library and CLI with their
// type declarations, the files the CLI reads at run time, README and LICENSE. The list comes
// from npm itself (`npm pack --dry-run --json`), so it checks the real `files` rules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as client from '../client/index.js';
import * as rootEntry from '../index.js';
import type { ClockPort, ConnectionHandlers, Document, RuntimePorts, TimerHandle, TransportConnection, TransportPort } from '../client/index.js';
import type { ClientRuntime as RootClientRuntime, RuntimePorts as RootRuntimePorts, Document as RootDocument } from '../index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface PackEntry {
  readonly path: string;
}

function packedFiles(): string[] {
  // --ignore-scripts: `prepare` would rebuild; npm test has just built dist/.
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.is(r.status, 0, `npm pack --dry-run failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as Array<{ files: PackEntry[] }>;
  return parsed[0]!.files.map((f) => f.path).sort();
}

const files = packedFiles();

test('the tarball holds the built library, CLI and declarations', () => {
  for (const required of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js']) {
    assert.ok(files.includes(required), `${required} is not packed`);
  }
  for (const entry of ['core', 'client', 'sim', 'harness']) {
    assert.ok(files.includes(`dist/${entry}/index.js`), `dist/${entry}/index.js is not packed (package.json exports ./${entry})`);
    assert.ok(files.includes(`dist/${entry}/index.d.ts`), `dist/${entry}/index.d.ts is not packed`);
  }
  // Every declared export and the bin resolve to packed files.
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; exports: Record<string, { types: string; default: string }> };
  for (const [name, target] of Object.entries(pkg.exports)) {
    for (const file of [target.types, target.default]) assert.ok(files.includes(path.posix.normalize(file)), `export ${name}: ${file} is not packed`);
  }
  for (const file of Object.values(pkg.bin)) assert.ok(files.includes(path.posix.normalize(file)), `bin ${file} is not packed`);
});

test('the files the CLI reads at run time are packed', () => {
  // spec-tests/lock.ts (LOCK_PATH), spec-tests/skips.ts (SKIPS_PATH), and the scenario schema
  // that `mongosim run --help` points to, with the example scenarios it describes.
  for (const required of ['fixtures/specifications.lock', 'spec-tests/skips.yml', 'fixtures/scenarios/README.md', 'fixtures/scenarios/primary-crash.yml']) {
    assert.ok(files.includes(required), `${required} is not packed`);
  }
});

test('no tests, benchmarks, sources, maps, build state or tarballs', () => {
  const unwanted = files.filter(
    (f) =>
      f.startsWith('dist/test/') ||
      f.startsWith('dist/bench/') ||
      (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
      f.endsWith('.map') ||
      f.endsWith('.tsbuildinfo') ||
      f.endsWith('.tgz') ||
      f.startsWith('fixtures/scenarios/invalid/') ||
      f.startsWith('test/') ||
      f.startsWith('.ci/') ||
      f === 'tsconfig.json',
  );
  assert.equal(unwanted, []);
});

test('LICENSE is the Apache License 2.0 that package.json names', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { license: string };
  assert.is(pkg.license, 'Apache-2.0');
  const text = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
  assert.match(text, /Apache License\s+Version 2\.0, January 2004/);
  assert.match(text, /TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION/);
});

test('a transport author gets the ports, ClientRuntime and Document from mongosim/client and mongosim', () => {
  assert.is(client.ClientRuntime, rootEntry.ClientRuntime);
  // A minimal adapter written only against the exported port types: a manual clock and a
  // transport that refuses every connection (as a socket adapter reports ECONNREFUSED).
  let nowMs = 0;
  let nextId = 1;
  const timers = new Map<number, { atMs: number; fn: () => void }>();
  const clock: ClockPort = {
    now: () => nowMs,
    setTimer: (atMs: number, _label: string, fn: () => void): TimerHandle => {
      const handle = { id: nextId++ };
      timers.set(handle.id, { atMs, fn });
      return handle;
    },
    clearTimer: (handle: TimerHandle) => void timers.delete(handle.id),
  };
  const transport: TransportPort = {
    connect(address: string, handlers: ConnectionHandlers): TransportConnection {
      const connection: TransportConnection = { id: nextId++, address, closed: false, send: (_id: number, _db: string, _body: Document) => undefined, close: () => undefined };
      const refused = { id: nextId++ };
      timers.set(refused.id, { atMs: nowMs, fn: () => handlers.onClose('refused') });
      return connection;
    },
  };
  const ports: RuntimePorts & RootRuntimePorts = { clock, transport, random: { int: (max: number) => Math.floor(max / 2) } };
  const runtime: RootClientRuntime = new client.ClientRuntime('mongodb://nobody:27017/?serverSelectionTimeoutMS=1000', { ports });
  let outcome: string | null = null;
  const command: RootDocument = { ping: 1 };
  runtime.run({ kind: 'command', databaseName: 'admin', command }, (result) => {
    outcome = result.ok ? 'ok' : result.error.name;
  });
  for (let fired = 0; outcome === null && timers.size > 0 && fired < 1000; fired++) {
    const [id, next] = [...timers.entries()].sort((a, b) => a[1].atMs - b[1].atMs)[0]!;
    timers.delete(id);
    nowMs = Math.max(nowMs, next.atMs);
    next.fn();
  }
  assert.is(outcome, 'MongoServerSelectionError');
  assert.ok(nowMs >= 1000, `the selection timed out at ${nowMs} ms`);
});

test.run();
