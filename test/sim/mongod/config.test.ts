import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseReplSetConfig, majorityVoteCount, writeMajorityCount } from '../../../sim/mongod/config.js';
import { CommandError } from '../../../sim/mongod/errors.js';
import { FailPoints } from '../../../sim/mongod/failpoints.js';

const bad = (raw: unknown, pattern: RegExp): void => {
  assert.throws(() => parseReplSetConfig(raw), (e: unknown) => e instanceof CommandError && e.code === 93 && pattern.test(e.message));
};

test('config defaults match the server', () => {
  const c = parseReplSetConfig({ _id: 'rs0', members: [{ _id: 0, host: 'a:27017' }, { _id: 1, host: 'b:27017', arbiterOnly: true }] });
  assert.is(c.version, 1);
  assert.is(c.settings.electionTimeoutMillis, 10_000);
  assert.is(c.settings.heartbeatIntervalMillis, 2_000);
  assert.is(c.settings.catchUpTimeoutMillis, -1);
  assert.is(c.settings.chainingAllowed, true);
  assert.equal([c.members[0]?.priority, c.members[0]?.votes, c.members[1]?.priority], [1, 1, 0]);
  assert.is(majorityVoteCount(c), 2);
  assert.is(writeMajorityCount(c), 1, 'PSA-like: only one voting data-bearing member');
});

test('config validation names the bad field', () => {
  bad({ _id: 'rs0', members: [] }, /members field must be a non-empty array/);
  bad({ _id: '', members: [{ _id: 0, host: 'a:27017' }] }, /_id field/);
  bad({ _id: 'rs0', members: [{ _id: 0, host: 'a' }] }, /members\[0\]\.host/);
  bad({ _id: 'rs0', members: [{ _id: 0, host: 'a:1' }, { _id: 0, host: 'b:1' }] }, /same _id/);
  bad({ _id: 'rs0', members: [{ _id: 0, host: 'a:1' }, { _id: 1, host: 'a:1' }] }, /same host/);
  bad({ _id: 'rs0', members: [{ _id: 0, host: 'a:1', hidden: true }] }, /priority must be 0 when hidden/);
  bad({ _id: 'rs0', members: [{ _id: 0, host: 'a:1' }, { _id: 1, host: 'b:1', secondaryDelaySecs: 5 }] }, /secondaryDelaySecs/);
  bad({ _id: 'rs0', members: [{ _id: 0, host: 'a:1', votes: 2 }] }, /votes/);
  bad({ _id: 'rs0', members: [{ _id: 0, host: 'a:1', priority: 0 }] }, /no electable members/);
  bad({ _id: 'rs0', members: [{ _id: 0, host: 'a:1', colour: 'red' }] }, /Unexpected field colour/);
  bad({ _id: 'rs0', members: Array.from({ length: 8 }, (_, i) => ({ _id: i, host: `h${i}:1` })) }, /8 voting members/);
});

test('fail point modes count only matching commands', () => {
  const fp = new FailPoints();
  fp.configure({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['find'], appName: 'x', namespace: 'db.c' } });
  const ctx = { commandName: 'find', namespace: 'db.c', appName: 'x', internal: false };
  assert.is(fp.checkFailCommand({ ...ctx, appName: 'y' }), undefined);
  assert.is(fp.checkFailCommand({ ...ctx, namespace: 'db.d' }), undefined);
  assert.is(fp.checkFailCommand({ ...ctx, internal: true }), undefined);
  assert.ok(fp.checkFailCommand(ctx));
  assert.is(fp.checkFailCommand(ctx), undefined, 'times: 1 is used up');
  const reply = fp.configure({ configureFailPoint: 'failCommand', mode: 'off' });
  assert.is(reply['count'], 1);
});

// Issue 9: `tags[k] = v` dropped a "__proto__" tag; mongod keeps it like any other tag.
test('member tags named __proto__ or constructor are kept as ordinary tags', () => {
  const tags = JSON.parse('{"__proto__": "x", "constructor": "y"}') as Record<string, string>;
  const c = parseReplSetConfig({ _id: 'rs0', members: [{ _id: 0, host: 'a:27017', tags }] });
  assert.equal(Object.keys(c.members[0]!.tags), ['__proto__', 'constructor']);
  assert.ok(Object.hasOwn(c.members[0]!.tags, '__proto__') && c.members[0]!.tags['__proto__'] === 'x');
});

test.run();
