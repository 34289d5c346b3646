import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readLock, sha256File, treeCommit, verifyTree, type SpecLock } from '../../spec-tests/lock.js';
import { fetchSpecs } from '../../spec-tests/fetch.js';

function tree(): { root: string; lock: SpecLock } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-lock-'));
  fs.mkdirSync(path.join(root, 'suite', 'tests'), { recursive: true });
  fs.writeFileSync(path.join(root, 'suite', 'tests', 'a.json'), '{"tests": []}');
  fs.writeFileSync(path.join(root, 'suite', 'tests', 'b.json'), '{"tests": [1]}');
  fs.writeFileSync(path.join(root, 'SOURCE.md'), 'commit `0123456789abcdef0123456789abcdef01234567` upstream');
  const files = Object.fromEntries(['suite/tests/a.json', 'suite/tests/b.json'].map((f) => [f, sha256File(path.join(root, f))]));
  return { root, lock: { repository: 'r', commit: '0123456789abcdef0123456789abcdef01234567', files } };
}

test('an intact tree verifies', () => {
  const t = tree();
  verifyTree(t.root, t.lock, ['suite/tests/a.json', 'suite/tests/b.json']);
  assert.is(treeCommit(t.root), '0123456789abcdef0123456789abcdef01234567');
});

test('a changed file is named', () => {
  const t = tree();
  fs.writeFileSync(path.join(t.root, 'suite', 'tests', 'b.json'), '{"tests": [2]}');
  assert.throws(() => verifyTree(t.root, t.lock, []), /changed: suite\/tests\/b\.json/);
});

test('a missing file is named', () => {
  const t = tree();
  fs.rmSync(path.join(t.root, 'suite', 'tests', 'a.json'));
  assert.throws(() => verifyTree(t.root, t.lock, []), /missing: suite\/tests\/a\.json/);
});

test('a file about to run that the lock does not pin is named', () => {
  const t = tree();
  assert.throws(() => verifyTree(t.root, t.lock, ['suite/tests/c.json']), /not pinned: suite\/tests\/c\.json/);
});

test('only pinned files in scope are checked, and their bytes are handed over', () => {
  const t = tree();
  fs.writeFileSync(path.join(t.root, 'suite', 'tests', 'b.json'), '{"tests": [2]}');
  const read: string[] = [];
  verifyTree(t.root, t.lock, ['suite/tests/a.json'], { inScope: (rel) => rel.endsWith('a.json'), onRead: (rel, bytes) => read.push(`${rel}=${bytes.toString('utf8')}`) });
  assert.equal(read, ['suite/tests/a.json={"tests": []}']);
  assert.throws(() => verifyTree(t.root, t.lock, [], { inScope: (rel) => rel.endsWith('b.json') }), /changed: suite\/tests\/b\.json/);
});

test('the project lock pins the upstream commit and sha256 digests', () => {
  const lock = readLock();
  assert.match(lock.repository, 'mongodb/specifications');
  assert.match(lock.commit, /^[0-9a-f]{40}$/);
  for (const digest of Object.values(lock.files)) assert.match(digest, /^[0-9a-f]{64}$/);
});

test('a malformed lock file is a clear error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-badlock-'));
  const file = path.join(dir, 'specifications.lock');
  fs.writeFileSync(file, '{"repository": "r", "commit": "c", "files": {"x.json": "nothex"}}');
  assert.throws(() => readLock(file), /files\["x\.json"\] is not a sha256/);
  fs.writeFileSync(file, 'not json');
  assert.throws(() => readLock(file), /not valid JSON/);
  assert.throws(() => readLock(path.join(dir, 'absent.lock')), /cannot read the lock file/);
});

test('specs:fetch without a reachable repository says it needs internet access', () => {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-fetch-'));
  const unreachable = path.join(target, 'no-such-repository');
  assert.throws(() => fetchSpecs(unreachable, path.join(target, 'specifications')), /needs internet access/);
  assert.not.ok(fs.existsSync(path.join(target, 'specifications')), 'a failed fetch must not leave a partial tree');
});

test.run();
