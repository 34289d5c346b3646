import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../../sim/scenario/parse.js';
import { runScenario } from '../../../sim/scenario/runner.js';

const members3 = `topology:
  replicaSet:
    members:
      - { host: a:27017, priority: 2 }
      - { host: b:27017 }
      - { host: c:27017 }
`;

function run(yaml: string, seed = 1, keepTraceLines = false) {
  return runScenario(parseScenario(yaml, 'test.yml'), { seed, keepTraceLines });
}

test('cold start: replSetInitiate at time 0 elects a primary, and priority takeover hands it to a:27017', () => {
  const r = run(`name: cold\nduration: 1m\n${members3}`);
  assert.ok(r.primaries.length >= 1);
  assert.ok(r.primaries[0]!.atMs <= 12_000, `first primary at ${r.primaries[0]!.atMs} ms`);
  assert.is(r.finalPrimary, 'a:27017');
  assert.is(r.actions[0]!.action, 'replSetInitiate');
  assert.is(r.actions[0]!.outcome, 'ok');
  assert.is(r.violationCount, 0);
  assert.is(r.virtualMs, 60_000);
});

test('crash primary: another member is elected; the old primary restarts and takes over again', () => {
  const r = run(`name: crash\nduration: 3m\n${members3}timeline:\n  - { at: 1m, crash: primary }\n  - { at: 2m, restart: a:27017 }\n`);
  assert.is(r.actions[1]!.outcome, 'ok (a:27017)');
  const after = r.primaries.filter((p) => p.atMs > 60_000);
  assert.ok(after.length >= 2, JSON.stringify(r.primaries));
  assert.is.not(after[0]!.host, 'a:27017');
  assert.ok(after[0]!.atMs < 60_000 + 30_000, `new primary only at ${after[0]!.atMs}`);
  assert.ok(after[0]!.term > r.primaries.filter((p) => p.atMs <= 60_000).at(-1)!.term, 'terms increase');
  assert.is(r.finalPrimary, 'a:27017');
  assert.is(r.violationCount, 0);
});

test('a minority-partitioned primary with its client loses its w:1 writes to rollback, never a committed one', () => {
  const r = run(`name: split\nduration: 4m\n${members3}workload: { writesPerSecond: 10, w: 1 }
timeline:
  - { at: 1m, partition: [[a:27017, client], [b:27017, c:27017]] }
  - { at: 2m, heal: true }
`);
  assert.ok(r.lostWrites > 0, 'writes accepted by the isolated primary are rolled back');
  assert.ok(r.lostWriteList.every((w) => w.reason === 'rollback' && w.host === 'a:27017'));
  assert.is(r.violationCount, 0);
  assert.ok(r.writes.acknowledged > 0);
  assert.ok(r.elections >= 2);
});

test('`primary` actions are skipped, and said so, when there is no primary', () => {
  const r = run(`name: early\nduration: 30s\n${members3}timeline:\n  - { at: 1s, crash: primary }\n  - { at: 2s, stepDown: primary }\n`, 1, true);
  assert.is(r.actions[1]!.outcome, 'skipped: no primary');
  assert.is(r.actions[2]!.outcome, 'skipped: no primary');
  assert.ok(r.world.trace.lines().some((l) => / scenario\.skip crash no primary$/.test(l)));
});

test('network actions reach the network and are traced with the time they ran', () => {
  const r = run(
    `name: net\nduration: 1m\n${members3}timeline:
  - { at: 20s, clog: { from: a:27017, to: b:27017, for: 5s } }
  - { at: 21s, setLatency: { latency: { kind: uniform, minMs: 1, maxMs: 3 }, jitterMs: 0 } }
  - { at: 22s, setLatency: { from: a:27017, to: c:27017, dropRate: 0.5, oneWay: true } }
  - { at: 23s, partitionOneWay: { from: [c:27017], to: [b:27017] } }
  - { at: 24s, isolate: b:27017 }
  - { at: 25s, resetConnections: { host: a:27017, peer: c:27017 } }
  - { at: 26s, heal: true }
`,
    1,
    true,
  );
  const lines = r.world.trace.lines();
  for (const expected of [
    '20000 net.clog a:27017=b:27017 5000',
    '21000 net.link * latency=uniform(1,3) jitter=0 drop=0',
    '22000 net.link a:27017>c:27017 latency=uniform(1,3) jitter=0 drop=0.5',
    '23000 net.partition1 c:27017>b:27017',
    '24000 net.isolate b:27017',
    '26000 net.heal',
  ]) {
    assert.ok(lines.includes(expected), `missing trace line ${expected}`);
  }
  assert.match(r.actions.find((a) => a.action.startsWith('resetConnections'))!.outcome, /^ok \(\d+ reset\)$/);
});

test('admin actions: stepDown, freeze and reconfig report their outcomes', () => {
  const r = run(`name: admin\nduration: 3m\n${members3}timeline:
  - { at: 30s, stepDown: { host: primary, secs: 20 } }
  - { at: 30s, freeze: { host: c:27017, secs: 60 } }
  - { at: 2m, reconfig: { members: [{ host: a:27017, priority: 2 }, { host: b:27017 }, { host: c:27017, priority: 0, hidden: true }] } }
`);
  const outcomes = r.actions.map((a) => `${a.action} → ${a.outcome}`);
  assert.match(outcomes[1]!, /^stepDown primary secs=20 catchUp=10 → ok \(a:27017\)$/);
  assert.match(outcomes[2]!, /^freeze c:27017 secs=60 → ok$/);
  assert.match(outcomes[3]!, /^reconfig members=a:27017,b:27017,c:27017 → ok$/);
  assert.ok(r.primaries.some((p) => p.atMs >= 30_000 && p.host !== 'a:27017'), 'someone else is elected after the step-down');
  assert.is(r.violationCount, 0);
});

test('random faults are reproducible per seed, respect `kinds`, and keep the invariants', () => {
  const yaml = `name: chaos\nduration: 20m\n${members3}workload: { writesPerSecond: 2, w: majority }\nrandomFaults: { every: 1m, kinds: [crash, partition, stepDown] }\n`;
  const a = run(yaml, 5);
  const b = run(yaml, 5);
  const c = run(yaml, 6);
  const faults = (r: typeof a): string[] => r.actions.filter((x) => x.source === 'random').map((x) => `${x.atMs} ${x.action}`);
  assert.equal(faults(a), faults(b));
  assert.is(a.traceHash, b.traceHash);
  assert.is.not(a.traceHash, c.traceHash);
  assert.ok(faults(a).length >= 10, faults(a).join('\n'));
  assert.ok(faults(a).every((f) => /^\d+ (crash|restart|partition|heal|stepDown) /.test(`${f} `)), faults(a).join('\n'));
  assert.is(a.violationCount + c.violationCount, 0);
});

test('a workload through a mongos router is acknowledged', () => {
  const r = run(`name: via\nduration: 1m\ntopology:
  replicaSet:
    members: [{ host: a:27017 }, { host: b:27017 }, { host: c:27017 }]
  mongos: [{ host: m1:27017 }]
workload: { writesPerSecond: 5, w: majority, via: m1:27017 }
`);
  assert.ok(r.writes.sent > 200);
  assert.ok(r.writes.acknowledged > 100, JSON.stringify(r.writes));
});

test.run();
