import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../../sim/scenario/parse.js';
import { runScenario } from '../../../sim/scenario/runner.js';
import { runChecked } from '../../../harness/fuzz/run-case.js';
import { clientWorkload } from '../../../harness/fuzz/client-workload.js';
import { History } from '../../../harness/fuzz/history.js';

const set3 = `topology:
  replicaSet:
    members: [{host: "a:27017", priority: 2}, {host: "b:27017"}, {host: "c:27017"}]
    settings: {electionTimeoutMillis: 400, heartbeatIntervalMillis: 100}
`;

test('scenario clients go through the driver: discovery, selection, and a retry to the new primary after a crash', () => {
  const yaml = `name: t\nseed: 3\nduration: 6s\n${set3}clients:
  - host: c1
    ops:
      - {at: 1s, write: {w: majority}}
      - {at: 2s, write: {w: majority}}
      - {at: 4s, read: {}}
timeline:
  - {at: 2001ms, crash: primary}
`;
  const run = runChecked(parseScenario(yaml, 't.yml'));
  const [w1, w2, r] = run.history.ops;
  assert.is(w1!.outcome, 'ok');
  assert.is(w2!.outcome, 'ok', JSON.stringify(w2));
  // The second write was sent before the crash was noticed and succeeded on another member.
  assert.is.not(w2!.address, w1!.address);
  assert.ok(w2!.sends.length >= 1);
  assert.is(r!.outcome, 'ok');
  assert.equal([...r!.seen!.entries()].sort(), [['c1-0', 1], ['c1-1', 1]]);
  assert.equal(run.failures, []);
});

test('the workload rate through the driver: counts add up (sent = acknowledged + failed + unanswered), and lost writes name their write', () => {
  const yaml = `name: t\nseed: 5\nduration: 30s\n${set3}workload: {writesPerSecond: 20, w: 1}
timeline:
  - {at: 3s, partition: [["a:27017"], ["b:27017", "c:27017"]]}
  - {at: 6s, heal: true}
`;
  const history = new History();
  const r = runScenario(parseScenario(yaml, 't.yml'), { workload: clientWorkload({ history }) });
  const w = r.writes;
  assert.ok(w.sent > 200, JSON.stringify(w));
  assert.is(w.sent, w.acknowledged + w.failed + w.unanswered, JSON.stringify(w));
  assert.is(w.noPrimary, 0);
  assert.ok(w.acknowledged > 0 && w.failed + w.unanswered > 0, JSON.stringify(w));
  assert.is(history.ops.length, w.sent);
  // The primary cut off from the other members (not from the client) took w:1 writes that were rolled back when it rejoined.
  assert.ok(r.lostWrites > 0, 'some w:1 writes were lost');
  for (const lost of r.lostWriteList) {
    assert.ok(lost.write !== undefined, `lost write ${String(lost.documentId)} names its write`);
    assert.is(lost.write!.w, 1);
    assert.ok(['acknowledged', 'failed', 'unanswered'].includes(lost.write!.outcome));
  }
  assert.ok(r.lostWriteList.some((l) => l.write?.outcome === 'acknowledged'), 'an acknowledged w:1 write was lost');
});

test('the direct workload keeps honest counts too', () => {
  const yaml = `name: t\nseed: 5\nduration: 8s\n${set3}workload: {writesPerSecond: 50, w: majority}
timeline:
  - {at: 3s, isolate: primary}
  - {at: 6s, heal: true}
`;
  const r = runScenario(parseScenario(yaml, 't.yml'));
  const w = r.writes;
  assert.ok(w.sent > 0);
  assert.is(w.sent, w.acknowledged + w.failed + w.unanswered, JSON.stringify(w));
  for (const lost of r.lostWriteList) assert.is(lost.write?.w, 'majority');
});

test('a scenario with clients needs a driver workload: the default one says so', () => {
  const yaml = `name: t\nduration: 2s\n${set3}clients:\n  - host: c1\n    ops: [{at: 1s, read: {}}]\n`;
  assert.throws(() => runScenario(parseScenario(yaml, 't.yml')), /has clients: it needs a driver workload/);
});

test.run();
