import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoInvalidArgumentError, MongoParseError } from '../../core/errors.js';
import { resolveClientOptions, connectionStringFromHosts } from '../../client/options.js';

test('defaults: retries on, primary, 30 s selection timeout, 15 ms window', () => {
  const o = resolveClientOptions('mongodb://a:27017/');
  assert.is(o.retryReads, true);
  assert.is(o.retryWrites, true);
  assert.is(o.readPreference.mode, 'primary');
  assert.is(o.serverSelectionTimeoutMS, 30_000);
  assert.is(o.localThresholdMS, 15);
  assert.is(o.writeConcern, undefined);
  assert.is(o.readConcern, undefined);
});

test('URI options are read', () => {
  const o = resolveClientOptions('mongodb://a,b/?replicaSet=foo&retryWrites=false&readPreference=secondary&readPreferenceTags=dc:ny&maxStalenessSeconds=90&w=majority&wTimeoutMS=500&journal=true&readConcernLevel=majority&localThresholdMS=35&serverSelectionTimeoutMS=2000');
  assert.is(o.retryWrites, false);
  assert.is(o.readPreference.mode, 'secondary');
  assert.equal(o.readPreference.tagSets, [{ dc: 'ny' }]);
  assert.is(o.readPreference.maxStalenessSeconds, 90);
  assert.equal(o.writeConcern, { w: 'majority', wtimeoutMS: 500, journal: true });
  assert.equal(o.readConcern, { level: 'majority' });
  assert.is(o.localThresholdMS, 35);
  assert.is(o.serverSelectionTimeoutMS, 2000);
  assert.is(o.connectionString.options.replicaSet, 'foo');
});

test('the options object overrides the URI', () => {
  const o = resolveClientOptions('mongodb://a/?retryReads=false&readPreference=secondary&w=1&localThresholdMS=35', {
    retryReads: true,
    readPreference: { mode: 'nearest', tags: [{ dc: 'sf' }] },
    writeConcern: { w: 'majority' },
    localThresholdMS: 5,
    appName: 'tutorial',
    wtimeoutMS: 100,
  });
  assert.is(o.retryReads, true);
  assert.is(o.readPreference.mode, 'nearest');
  assert.equal(o.readPreference.tagSets, [{ dc: 'sf' }]);
  assert.equal(o.writeConcern, { w: 'majority', wtimeoutMS: 100 });
  assert.is(o.localThresholdMS, 5);
  assert.is(o.connectionString.options.localThresholdMS, 5);
  assert.is(o.connectionString.options.appname, 'tutorial');
});

test('a string read preference in options keeps URI tags', () => {
  const o = resolveClientOptions('mongodb://a/?readPreference=secondary&readPreferenceTags=dc:ny', { readPreference: 'nearest' });
  assert.is(o.readPreference.mode, 'nearest');
  assert.equal(o.readPreference.tagSets, [{ dc: 'ny' }]);
});

test('seed host arrays become a connection string', () => {
  assert.is(connectionStringFromHosts(['a:1', 'b:2']), 'mongodb://a:1,b:2/');
  const o = resolveClientOptions(['a:1', 'b:2'], { replicaSet: 'rs' });
  assert.equal(o.connectionString.hosts.map((h) => `${h.host}:${h.port}`), ['a:1', 'b:2']);
  assert.throws(() => resolveClientOptions([]), (e: unknown) => e instanceof MongoParseError && /at least one/.test(e.message));
  assert.throws(() => resolveClientOptions(['a/b']), (e: unknown) => e instanceof MongoParseError && /hosts\[0\]/.test(e.message));
});

function throwsNaming(fn: () => unknown, cls: Function, part: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof cls && part.test((e as Error).message));
}

test('bad values name the bad part', () => {
  throwsNaming(() => resolveClientOptions('mongodb://a/?serverSelectionTimeoutMS=abc'), MongoParseError, /serverSelectionTimeoutMS/);
  throwsNaming(() => resolveClientOptions('mongodb://a/?noSuchOption=1'), MongoParseError, /noSuchOption/);
  throwsNaming(() => resolveClientOptions('mongodb://a/', { heartbeatFrequencyMS: 10 }), MongoParseError, /heartbeatFrequencyMS number 10 must be an integer >= 500/);
  throwsNaming(() => resolveClientOptions('mongodb://a/', { retryWrites: 'yes' as never }), MongoParseError, /retryWrites/);
  throwsNaming(() => resolveClientOptions('mongodb://a/', { frobnicate: true }), MongoParseError, /frobnicate/);
  throwsNaming(() => resolveClientOptions('mongodb://a/', { readPreference: 'fastest' as never }), MongoParseError, /readPreference "fastest"/);
  throwsNaming(() => resolveClientOptions('mongodb://a/', { readPreference: { mode: 'primary', tags: [{ dc: 'ny' }] } }), MongoInvalidArgumentError, /tags/);
  throwsNaming(() => resolveClientOptions('mongodb://a/', { writeConcern: { w: -1 } }), MongoInvalidArgumentError, /options\.writeConcern\.w/);
  throwsNaming(() => resolveClientOptions('mongodb://a/', { writeConcern: { w: 0, journal: true } }), MongoInvalidArgumentError, /journal/);
  throwsNaming(() => resolveClientOptions('mongodb://a/', { readConcern: { level: 3 as never } }), MongoInvalidArgumentError, /readConcern\.level/);
  throwsNaming(() => resolveClientOptions('mongodb://a,b/', { directConnection: true }), MongoParseError, /directConnection/);
  throwsNaming(() => resolveClientOptions('mongodb://a/', { loadBalanced: true, replicaSet: 'x' }), MongoParseError, /loadBalanced/);
  throwsNaming(() => resolveClientOptions(42 as unknown as string), MongoParseError, /number 42/);
});

test('secrets are never echoed in option errors', () => {
  try {
    resolveClientOptions('mongodb://a/', { tlsCertificateKeyFilePassword: { nested: 1 } as unknown as string });
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, MongoParseError);
    assert.not.match((e as Error).message, /nested/);
  }
});

test.run();
