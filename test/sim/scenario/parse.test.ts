import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { parseScenario, ScenarioError } from '../../../sim/scenario/parse.js';
import { parseDuration } from '../../../sim/scenario/duration.js';
import { scenarioFailure } from '../../support/scenario-failure.js';

const failure = scenarioFailure;

const base = `name: t
duration: 5m
topology:
  replicaSet:
    members:
      - host: a:27017
      - host: b:27017
      - host: c:27017
`;

test('a complete scenario parses into the validated form, timeline sorted by time', () => {
  const s = parseScenario(
    `${base}network:
  latency: { kind: uniform, minMs: 1, maxMs: 4 }
  jitterMs: 2
  links:
    - { from: a:27017, to: c:27017, latency: 40, oneWay: true }
workload: { writesPerSecond: 3, w: majority }
seed: 42
timeline:
  - at: 2m
    heal: true
  - at: 1m30s
    partition: [[a:27017], [b:27017, c:27017]]
  - at: 1m30s
    stepDown: primary
  - at: 3m
    clog: { from: a:27017, to: b:27017, for: 10s }
`,
    'x.yml',
  );
  assert.is(s.name, 't');
  assert.is(s.seed, 42);
  assert.is(s.durationMs, 300_000);
  assert.is(s.replicaSet.name, 'rs0');
  assert.is(s.replicaSet.version, '8.0');
  assert.is(s.replicaSet.initiate, true);
  assert.equal(s.network.latency, { kind: 'uniform', minMs: 1, maxMs: 4 });
  assert.equal(s.network.links[0], { from: 'a:27017', to: 'c:27017', oneWay: true, latency: { kind: 'constant', ms: 40 } });
  assert.equal(s.workload, { writesPerSecond: 3, w: 'majority' });
  assert.equal(
    s.timeline.map((e) => [e.atMs, e.action.kind, e.line]),
    [
      [90_000, 'partition', 19],
      [90_000, 'stepDown', 21],
      [120_000, 'heal', 17],
      [180_000, 'clog', 23],
    ],
  );
  assert.equal(s.timeline[1]!.action, { kind: 'stepDown', host: 'primary', secs: 60, secondaryCatchUpPeriodSecs: 10 });
});

test('an unknown field is an error naming its line and field path', () => {
  const e = failure(`${base.replace('      - host: b:27017\n', '      - host: b:27017\n        priorty: 2\n')}`);
  assert.is(e.line, 8);
  assert.is(e.field, 'topology.replicaSet.members[1].priorty');
  assert.match(e.message, /^test\.yml:8: field topology\.replicaSet\.members\[1\]\.priorty: unknown field "priorty" \(allowed here: host, priority/);
});

test('bad values name the line of the value and the field', () => {
  const cases: Array<[string, number, string, RegExp]> = [
    [`${base}timeline:\n  - at: 10s\n    crash: z:27017\n`, 11, 'timeline[0].crash', /"z:27017" is not a host of this scenario/],
    [`${base}timeline:\n  - at: 10s\n    crash: a:27017\n    restart: b:27017\n`, 10, 'timeline[0]', /exactly one action.*found crash, restart/],
    [`${base}timeline:\n  - at: 10 minutes\n    heal: true\n`, 10, 'timeline[0].at', /"10 minutes" is not a duration/],
    [`${base}timeline:\n  - at: 10m\n    heal: true\n`, 10, 'timeline[0].at', /after the end of the run/],
    [`${base}timeline:\n  - crash: a:27017\n`, 10, 'timeline[0].at', /missing required field "at"/],
    [`${base}network:\n  dropRate: 1.5\n`, 10, 'network.dropRate', /1.5 is out of range \[0, 1\]/],
    [`${base}network:\n  latency: { kind: gamma }\n`, 10, 'network.latency.kind', /"gamma" is not a latency distribution/],
    [`${base}network:\n  latency: { kind: uniform, minMs: 5, maxMs: 2 }\n`, 10, 'network.latency.maxMs', /must be >= minMs/],
    [`${base}workload: { writesPerSecond: 1, w: most }\n`, 9, 'workload.w', /"majority"/],
    [base.replace('duration: 5m', 'duration: forever'), 2, 'duration', /"forever" is not a duration/],
    [base.replace('name: t\n', ''), 1, 'name', /missing required field "name"/],
    [base.replace('      - host: c:27017', '      - host: c'), 8, 'topology.replicaSet.members[2].host', /"c" is not a "name:port" host/],
    [base.replace('      - host: c:27017', '      - host: a:27017'), 8, 'topology.replicaSet.members[2].host', /duplicate member host a:27017/],
    [base.replace('    members:', '    version: "3.6"\n    members:'), 5, 'topology.replicaSet.version', /"3.6" is not a supported server version/],
    [base.replace('      - host: c:27017', '      - { host: c:27017, hidden: true, priority: 1 }'), 8, 'topology.replicaSet.members[2].priority', /hidden member must have priority 0/],
    [`${base}timeline:\n  - at: 1m\n    partition: [[a:27017], [a:27017, b:27017]]\n`, 11, 'timeline[0].partition[1][0]', /a:27017 is on both sides/],
    [`${base}timeline:\n  - at: 1m\n    stepDown: { host: a:27017, secs: 5, secondaryCatchUpPeriodSecs: 9 }\n`, 11, 'timeline[0].stepDown.secondaryCatchUpPeriodSecs', /must not exceed secs/],
    [`${base}timeline:\n  - at: 1m\n    heal: yes please\n`, 11, 'timeline[0].heal', /heal: true/],
    [`${base}timeline:\n  - at: 1m\n    setLatency: { from: a:27017 }\n`, 11, 'timeline[0].setLatency.to', /both "from" and "to"/],
    [`${base}timeline:\n  - at: 1m\n    freeze: a:27017\n`, 11, 'timeline[0].freeze', /must be a mapping/],
  ];
  for (const [text, line, field, reason] of cases) {
    const e = failure(text);
    assert.is(e.field, field, `field for ${field}: ${e.message}`);
    assert.is(e.line, line, `line for ${field}: ${e.message}`);
    assert.match(e.reason, reason, e.message);
    assert.ok(e.message.startsWith(`test.yml:${line}: field ${field}: `), e.message);
  }
});

test('YAML syntax errors name the line', () => {
  const e = failure('name: x\nduration: [1m\ntopology: {}\n');
  assert.ok(e.line !== undefined && e.line >= 2, e.message);
  assert.match(e.message, /^test\.yml:\d+: YAML syntax error/);
  const dup = failure(`${base}name: again\n`);
  assert.is(dup.line, 9);
  assert.match(dup.message, /duplicated mapping key/);
});

test('a document that is not a mapping is rejected', () => {
  assert.match(failure('- 1\n- 2\n').message, /must be a mapping/);
  assert.match(failure('just text\n').message, /must be a mapping/);
});

test('the invalid fixture files fail with their line and field; every other fixture parses', () => {
  const dir = 'fixtures/scenarios';
  const member = failure(readFileSync(`${dir}/invalid/bad-member-field.yml`, 'utf8'), 'bad-member-field.yml');
  assert.is(member.line, 9);
  assert.is(member.field, 'topology.replicaSet.members[1].priorty');
  const host = failure(readFileSync(`${dir}/invalid/bad-timeline-host.yml`, 'utf8'), 'bad-timeline-host.yml');
  assert.is(host.line, 14);
  assert.is(host.field, 'timeline[1].restart');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
  assert.ok(files.length >= 5);
  for (const f of files) parseScenario(readFileSync(`${dir}/${f}`, 'utf8'), f);
});

test('durations: units, combinations, numbers; bad ones explain themselves', () => {
  assert.equal(parseDuration('250ms'), { ms: 250 });
  assert.equal(parseDuration('1h30m'), { ms: 5_400_000 });
  assert.equal(parseDuration('2d'), { ms: 172_800_000 });
  assert.equal(parseDuration('1.5s'), { ms: 1500 });
  assert.equal(parseDuration(1234), { ms: 1234 });
  for (const bad of ['', '10', '5 m', 'm5', -1, '400d', true, null]) {
    assert.ok('error' in parseDuration(bad), `accepted ${JSON.stringify(bad)}`);
  }
});

// Issue 9: `tags[k] = ...` dropped a "__proto__" tag from a member.
test('member tags named __proto__ or constructor are kept as ordinary tags', () => {
  const s = parseScenario(base.replace('      - host: c:27017', '      - host: c:27017\n        tags: { __proto__: x, constructor: y, dc: ny }'), 'test.yml');
  const tags = s.replicaSet.members[2]!.tags!;
  assert.equal(Object.keys(tags).sort(), ['__proto__', 'constructor', 'dc']);
  assert.ok(Object.hasOwn(tags, '__proto__') && tags['__proto__'] === 'x' && tags['constructor'] === 'y');
});

test.run();
