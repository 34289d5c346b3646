import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoInvalidArgumentError, MongoParseError } from '../../../core/errors.js';
import {
  readPreference,
  readPreferenceFromConnectionOptions,
  primaryReadPreference,
  describeReadPreference,
  filterByTagSets,
  hasTagRestriction,
} from '../../../core/selection/index.js';
import { server } from './helpers.js';

function throwsWith(fn: () => unknown, cls: new (...args: never[]) => Error, text: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, cls);
    assert.match((error as Error).message, text);
    return;
  }
  assert.unreachable(`expected ${cls.name} matching ${text}`);
}

test('a mode name alone gives default tags, no max staleness, no hedge', () => {
  const rp = readPreference('secondaryPreferred');
  assert.equal(rp, { mode: 'secondaryPreferred', tagSets: [], maxStalenessSeconds: null, hedge: null });
});

test('plain object as Node driver users write it', () => {
  const rp = readPreference({ mode: 'nearest', tags: [{ dc: 'ny' }, {}], maxStalenessSeconds: 120, hedge: { enabled: true } });
  assert.equal(rp.tagSets, [{ dc: 'ny' }, {}]);
  assert.is(rp.maxStalenessSeconds, 120);
  assert.equal(rp.hedge, { enabled: true });
  assert.ok(Object.isFrozen(rp) && Object.isFrozen(rp.tagSets));
});

test('-1 and null mean no max staleness', () => {
  assert.is(readPreference({ mode: 'secondary', maxStalenessSeconds: -1 }).maxStalenessSeconds, null);
  assert.is(readPreference({ mode: 'secondary', maxStalenessSeconds: null }).maxStalenessSeconds, null);
  // "-1 means no maximum" also makes it legal with mode primary.
  assert.is(readPreference({ mode: 'primary', maxStalenessSeconds: -1 }).maxStalenessSeconds, null);
});

test('invalid inputs are rejected with MongoInvalidArgumentError naming the bad part', () => {
  throwsWith(() => readPreference('Secondary' as never), MongoInvalidArgumentError, /mode "Secondary" is not one of/);
  throwsWith(() => readPreference({ mode: 'primary', tags: [{ dc: 'ny' }] }), MongoInvalidArgumentError, /tags .*cannot be combined with mode primary/);
  throwsWith(() => readPreference({ mode: 'primary', maxStalenessSeconds: 120 }), MongoInvalidArgumentError, /maxStalenessSeconds 120 cannot be combined with mode primary/);
  throwsWith(() => readPreference({ mode: 'primary', hedge: { enabled: true } }), MongoInvalidArgumentError, /hedge cannot be combined/);
  throwsWith(() => readPreference({ mode: 'secondary', maxStalenessSeconds: -5 }), MongoInvalidArgumentError, /maxStalenessSeconds must be -1/);
  throwsWith(() => readPreference({ mode: 'secondary', maxStalenessSeconds: 1.5 }), MongoInvalidArgumentError, /maxStalenessSeconds must be an integer/);
  throwsWith(() => readPreference({ mode: 'secondary', tags: { dc: 'ny' } as never }), MongoInvalidArgumentError, /tags must be an array/);
  throwsWith(() => readPreference({ mode: 'secondary', tags: [{ dc: 1 }] as never }), MongoInvalidArgumentError, /tags\[0\]\.dc must be a string/);
  throwsWith(() => readPreference({ mode: 'secondary', hedge: { enabled: 'yes' } } as never), MongoInvalidArgumentError, /hedge\.enabled must be a boolean/);
  throwsWith(() => readPreference({ mode: 'secondary', tag_sets: [] } as never), MongoInvalidArgumentError, /unknown field "tag_sets"/);
  throwsWith(() => readPreference(null as never), MongoInvalidArgumentError, /must be a mode name or an object/);
});

test('primary with the empty tag set {} is allowed: it restricts nothing', () => {
  assert.equal(readPreference({ mode: 'primary', tags: [{}] }).tagSets, [{}]);
});

test('from connection-string options', () => {
  assert.equal(readPreferenceFromConnectionOptions({}), primaryReadPreference);
  const rp = readPreferenceFromConnectionOptions({
    readPreference: 'secondary',
    readPreferenceTags: [{ dc: 'ny', rack: '1' }, {}],
    maxStalenessSeconds: 90,
  });
  assert.equal(rp, { mode: 'secondary', tagSets: [{ dc: 'ny', rack: '1' }, {}], maxStalenessSeconds: 90, hedge: null });
  assert.is(readPreferenceFromConnectionOptions({ readPreference: 'nearest', maxStalenessSeconds: -1 }).maxStalenessSeconds, null);
});

test('bad connection-string combinations are MongoParseErrors naming the option', () => {
  throwsWith(() => readPreferenceFromConnectionOptions({ readPreferenceTags: [{ dc: 'ny' }] }), MongoParseError, /readPreferenceTags .* cannot be combined with readPreference primary/);
  throwsWith(() => readPreferenceFromConnectionOptions({ maxStalenessSeconds: 120 }), MongoParseError, /maxStalenessSeconds 120 cannot be combined with readPreference primary/);
  throwsWith(() => readPreferenceFromConnectionOptions({ readPreference: 'fastest' as never }), MongoParseError, /readPreference "fastest"/);
});

test('describeReadPreference lists every component', () => {
  assert.is(describeReadPreference(primaryReadPreference), 'primary');
  assert.is(
    describeReadPreference(readPreference({ mode: 'secondary', tags: [{ dc: 'sf' }, {}], maxStalenessSeconds: 90 })),
    'secondary (tags [{dc:sf}, {}], maxStalenessSeconds 90)',
  );
});

// Issue 9: a tag named "__proto__" was dropped by `copy[key] = tag` (it set the prototype), so
// [{__proto__: 'x'}] became [{}] and matched every server.
test('a tag set with a __proto__ or constructor key keeps it as data and never widens to any server', () => {
  for (const key of ['__proto__', 'constructor']) {
    const tagSet = JSON.parse(`{${JSON.stringify(key)}: "x"}`) as Record<string, string>;
    const rp = readPreference({ mode: 'secondary', tags: [tagSet] });
    assert.equal(Object.keys(rp.tagSets[0]!), [key], key);
    assert.ok(hasTagRestriction(rp), key);
    const plain = server('a:1', { type: 'RSSecondary', tags: { dc: 'ny' } });
    const tagged = server('b:1', { type: 'RSSecondary', tags: JSON.parse(`{${JSON.stringify(key)}: "x"}`) as Record<string, string> });
    assert.equal(filterByTagSets([plain], rp.tagSets), [], `${key}: a server without the tag must not match`);
    assert.equal(filterByTagSets([plain, tagged], rp.tagSets), [tagged], `${key}: a server with the tag matches`);
    const fromUri = readPreferenceFromConnectionOptions({ readPreference: 'nearest', readPreferenceTags: [tagSet] });
    assert.equal(filterByTagSets([plain], fromUri.tagSets), [], `${key} from URI options`);
    throwsWith(() => readPreference({ mode: 'primary', tags: [tagSet] }), MongoInvalidArgumentError, /cannot be combined with mode primary/);
  }
});

test.run();
