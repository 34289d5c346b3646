import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario, ScenarioError } from '../../../sim/scenario/parse.js';
import { formatScenario } from '../../../sim/scenario/scenario-yaml.js';

const yaml = `name: t
seed: 9
duration: 5s
topology:
  replicaSet:
    members: [{host: "a:27017"}, {host: "b:27017", priority: 2}, {host: "c:27017"}]
    settings: {electionTimeoutMillis: 400, heartbeatIntervalMillis: 100}
network: {latency: 2}
clients:
  - host: c1
    retryWrites: false
    readPreference: secondaryPreferred
    ops:
      - {at: 2s, read: {readConcern: majority}}
      - {at: 1s, write: {w: majority, j: true}}
timeline:
  - {at: 1500ms, crash: primary}
  - {at: 3s, recover: true}
`;

test('clients parse (ops sorted by time, defaults filled) and a printed scenario parses back to the same scenario', () => {
  const s = parseScenario(yaml, 't.yml');
  assert.equal(s.clients, [
    { host: 'c1', retryWrites: false, retryReads: true, readPreference: 'secondaryPreferred', ops: [{ atMs: 1000, kind: 'write', w: 'majority', j: true }, { atMs: 2000, kind: 'read', readConcern: 'majority' }] },
  ]);
  assert.equal(s.timeline[1]!.action, { kind: 'recover' });
  const again = parseScenario(formatScenario(s, ['a header']), 'again.yml');
  const strip = (x: typeof s) => ({ ...x, timeline: x.timeline.map((e) => ({ ...e, line: undefined })) });
  assert.equal(strip(again), strip(s));
});

test('bad clients are refused with the field named', () => {
  const bad = (text: string, re: RegExp) => {
    try {
      parseScenario(text, 'b.yml');
      assert.unreachable('accepted');
    } catch (error) {
      assert.instance(error, ScenarioError);
      assert.match((error as Error).message, re);
    }
  };
  bad(yaml.replace('readPreference: secondaryPreferred', 'readPreference: sometimes'), /clients\[0\]\.readPreference: "sometimes" is not a read preference mode/);
  bad(yaml.replace('{readConcern: majority}', '{readConcern: snapshot}'), /clients\[0\]\.ops\[0\]\.read\.readConcern: "snapshot" is not a read concern level/);
  bad(yaml.replace('host: c1', 'host: "a:27017"'), /clients\[0\]\.host: .* must be a plain client name/);
  bad(yaml.replace('{at: 2s, read: {readConcern: majority}}', '{at: 2s}'), /clients\[0\]\.ops\[0\]: each operation needs exactly one of "write" or "read"/);
  bad(yaml.replace('{at: 1s, write', '{at: 9s, write'), /clients\[0\]\.ops\[1\]\.at: 9000 ms is after the end of the run/);
  bad(yaml.replace('recover: true', 'recover: 1'), /recover: write "recover: true"/);
});

test.run();
