// Replica set configs a real mongod refuses (InvalidReplicaSetConfig, code 93) are rejected
// when the scenario is parsed, naming the line and field, instead of a set that never initiates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../../sim/scenario/parse.js';
import type { ScenarioError } from '../../../sim/scenario/parse.js';
import { scenarioFailure } from '../../support/scenario-failure.js';

const failure = (text: string): ScenarioError => scenarioFailure(text, 'rules.yml');

const head = `name: rules
duration: 1m
topology:
  replicaSet:
    members:
`;

function members(n: number, extra = ''): string {
  return Array.from({ length: n }, (_, i) => `      - { host: h${i}:27017${extra} }\n`).join('');
}

test('50 voting members: at most 7 may vote, rejected at parse time with the line of the list', () => {
  const e = failure(head + members(50));
  assert.is(e.field, 'topology.replicaSet.members');
  assert.is(e.line, 6);
  assert.match(e.message, /^rules\.yml:6: field topology\.replicaSet\.members: /);
  assert.match(e.reason, /50 voting members.*no more than 7/);
  assert.match(e.reason, /InvalidReplicaSetConfig/);
});

test('7 voters and 43 non-voting members (votes 0, priority 0) are a valid 50-member set', () => {
  const text = head + members(7) + Array.from({ length: 43 }, (_, i) => `      - { host: n${i}:27017, votes: 0, priority: 0 }\n`).join('');
  assert.is(parseScenario(text, 'rules.yml').replicaSet.members.length, 50);
});

test('a hidden member with the default priority (1) is rejected, naming its line', () => {
  const e = failure(head + members(2) + '      - { host: x:27017, hidden: true }\n');
  assert.is(e.line, 8);
  assert.is(e.field, 'topology.replicaSet.members[2].hidden');
  assert.match(e.reason, /hidden member must have priority 0/);
});

test('a delayed member with the default priority is rejected', () => {
  const e = failure(head + members(2) + '      - { host: x:27017, secondaryDelaySecs: 60 }\n');
  assert.is(e.field, 'topology.replicaSet.members[2].secondaryDelaySecs');
  assert.match(e.reason, /secondaryDelaySecs must have priority 0/);
});

test('a non-voting member with the default priority is rejected (mongod: priority must be 0 when non-voting)', () => {
  const e = failure(head + members(2) + '      - { host: x:27017, votes: 0 }\n');
  assert.is(e.line, 8);
  assert.match(e.field ?? '', /^topology\.replicaSet\.members\[2\]/);
  assert.match(e.reason, /non-voting/);
});

test('a reconfig to 8 voting members is rejected at parse time too', () => {
  const e = failure(head + members(3) + `timeline:\n  - at: 10s\n    reconfig:\n      members:\n${members(8).replace(/^ {6}/gm, '        ')}`);
  assert.match(e.field ?? '', /^timeline\[0\]\.reconfig\.members/);
  assert.match(e.reason, /8 voting members/);
});

test.run();
