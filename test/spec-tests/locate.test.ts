import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateSpecs, SpecTreeError } from '../../spec-tests/locate.js';

function layout(withShared: boolean, withCache: boolean): { pkg: string; shared: string; cache: string; other: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-locate-'));
  const pkg = path.join(base, 'main');
  const shared = path.join(base, 'shared', 'specifications');
  const cache = path.join(pkg, '.cache', 'specifications');
  const other = path.join(base, 'elsewhere');
  fs.mkdirSync(pkg, { recursive: true });
  fs.mkdirSync(other);
  if (withShared) fs.mkdirSync(shared, { recursive: true });
  if (withCache) fs.mkdirSync(cache, { recursive: true });
  return { pkg, shared, cache, other };
}

test('--specs wins over everything and is unverified', () => {
  const l = layout(true, true);
  const tree = locateSpecs({ root: l.pkg, flagDir: l.other, envDir: l.shared });
  assert.equal(tree, { root: l.other, source: 'flag', verify: false });
});

test('then MONGOSIM_SPECS_DIR, verified', () => {
  const l = layout(true, true);
  assert.equal(locateSpecs({ root: l.pkg, envDir: l.other }), { root: l.other, source: 'env', verify: true });
});

test('then ../shared/specifications, then .cache/specifications', () => {
  const both = layout(true, true);
  assert.equal(locateSpecs({ root: both.pkg }), { root: both.shared, source: 'shared', verify: true });
  const cacheOnly = layout(false, true);
  assert.equal(locateSpecs({ root: cacheOnly.pkg }), { root: cacheOnly.cache, source: 'cache', verify: true });
});

test('an explicit directory that does not exist is an error, not a fall-through', () => {
  const l = layout(true, false);
  assert.throws(() => locateSpecs({ root: l.pkg, flagDir: path.join(l.other, 'nope') }), /--specs .*nope: no such directory/);
  assert.throws(() => locateSpecs({ root: l.pkg, envDir: path.join(l.other, 'nope') }), /MONGOSIM_SPECS_DIR=.*nope: no such directory/);
});

test('no tree at all: the message lists the four places and the fetch command', () => {
  const l = layout(false, false);
  try {
    locateSpecs({ root: l.pkg });
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, SpecTreeError);
    const msg = (err as Error).message;
    assert.match(msg, '--specs DIR');
    assert.match(msg, 'MONGOSIM_SPECS_DIR');
    assert.match(msg, l.shared);
    assert.match(msg, l.cache);
    assert.match(msg, 'npm run specs:fetch');
    assert.match(msg, 'internet');
  }
});

test.run();
