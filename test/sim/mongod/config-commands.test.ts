import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initiateConfig, reconfigConfig } from '../../../sim/mongod/config-commands.js';
import { ErrorCodes } from '../../../sim/mongod/errors.js';
import { codeOf } from './helpers.js';


const three = { _id: 'rs0', version: 1, members: [{ _id: 0, host: 'a:1' }, { _id: 1, host: 'b:1' }, { _id: 2, host: 'c:1' }] };

test('replSetInitiate without a config makes a one-member set of this node', () => {
  const config = initiateConfig({ replSetInitiate: 1 }, 'rs0', 'a:1');
  assert.is(config._id, 'rs0');
  assert.equal(config.members.map((m) => m.host), ['a:1']);
  assert.is(config.version, 1);
  assert.is(config.term, 0);
});

test('replSetInitiate rejects another set name and a config without this node', () => {
  assert.is(codeOf(() => initiateConfig({ replSetInitiate: { ...three, _id: 'other' } }, 'rs0', 'a:1')), ErrorCodes.InvalidReplicaSetConfig);
  assert.is(codeOf(() => initiateConfig({ replSetInitiate: three }, 'rs0', 'z:1')), ErrorCodes.NodeNotFound);
  assert.is(initiateConfig({ replSetInitiate: three }, 'rs0', 'b:1').members.length, 3);
});

test('replSetReconfig: newer version of the same set, installed in our term', () => {
  const current = initiateConfig({ replSetInitiate: three }, 'rs0', 'a:1');
  const next = reconfigConfig({ replSetReconfig: { ...three, version: 2 } }, current, 7, 'a:1');
  assert.is(next.version, 2);
  assert.is(next.term, 7);
  const defaulted = reconfigConfig({ replSetReconfig: { _id: 'rs0', members: three.members } }, current, 7, 'a:1');
  assert.is(defaulted.version, 2, 'the version defaults to current + 1');
});

test('replSetReconfig rejects a non-object, another set, an older version, and (unless forced) dropping this node', () => {
  const current = initiateConfig({ replSetInitiate: three }, 'rs0', 'a:1');
  assert.is(codeOf(() => reconfigConfig({ replSetReconfig: 1 }, current, 1, 'a:1')), ErrorCodes.TypeMismatch);
  assert.is(codeOf(() => reconfigConfig({ replSetReconfig: { ...three, _id: 'x', version: 2 } }, current, 1, 'a:1')), ErrorCodes.NewReplicaSetConfigurationIncompatible);
  assert.is(codeOf(() => reconfigConfig({ replSetReconfig: { ...three, version: 1 } }, current, 1, 'a:1')), ErrorCodes.NewReplicaSetConfigurationIncompatible);
  const withoutA = { _id: 'rs0', version: 2, members: three.members.slice(1) };
  assert.is(codeOf(() => reconfigConfig({ replSetReconfig: withoutA }, current, 1, 'a:1')), ErrorCodes.NodeNotFound);
  const forced = reconfigConfig({ replSetReconfig: withoutA, force: true }, current, 1, 'a:1');
  assert.is(forced.members.length, 2);
  assert.is(forced.term, -1, 'a force reconfig installs its config without a term, as the server does');
});

test.run();
