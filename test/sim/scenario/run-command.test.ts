import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenarioCommand } from '../../../cli/run-command.js';
import { captureOutput } from '../../support/capture-output.js';

/** Runs the command with stdout/stderr captured. */
function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return captureOutput(() => runScenarioCommand(argv));
}

const dir = mkdtempSync(join(tmpdir(), 'mongosim-run-'));
const scenarioFile = join(dir, 'small.yml');
writeFileSync(
  scenarioFile,
  `name: small
duration: 40s
topology:
  replicaSet:
    members: [{ host: a:27017 }, { host: b:27017 }, { host: c:27017 }]
timeline:
  - { at: 25s, crash: primary }
`,
);

test('--json prints exactly one object with the documented fields', async () => {
  const { code, out, err } = await capture([scenarioFile, '--json', '--seed', '9']);
  assert.is(code, 0, err);
  const lines = out.trim().split('\n');
  assert.is(lines.length, 1);
  const report = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(Object.keys(report), ['seed', 'traceHash', 'virtualMs', 'wallMs', 'primaries', 'elections', 'lostWrites', 'violations', 'writes', 'lostWriteList', 'operations', 'failures']);
  assert.is(report['seed'], 9);
  assert.match(report['traceHash'] as string, /^[0-9a-f]{16}$/);
  assert.is(report['virtualMs'], 40_000);
  assert.ok(typeof report['wallMs'] === 'number');
  const primaries = report['primaries'] as Array<{ atMs: number; host: string; term: number }>;
  assert.ok(primaries.length >= 2, 'an initial election and one after the crash');
  assert.equal(Object.keys(primaries[0]!), ['atMs', 'host', 'term']);
  assert.is(report['elections'], primaries.length);
  assert.is(report['lostWrites'], 0);
  assert.equal(report['violations'], []);
  const again = JSON.parse((await capture([scenarioFile, '--json', '--seed', '9'])).out) as Record<string, unknown>;
  assert.is(again['traceHash'], report['traceHash']);
});

test('human output summarises the timeline; --check confirms determinism; --trace writes every line', async () => {
  const traceFile = join(dir, 'trace.txt');
  const { code, out } = await capture([scenarioFile, '--check', '--trace', traceFile]);
  assert.is(code, 0);
  assert.match(out, /scenario: small/);
  assert.match(out, /replSetInitiate → ok/);
  assert.match(out, /crash primary \(line 7\) → ok \([abc]:27017\)/);
  assert.match(out, /PRIMARY [abc]:27017 \(term 1\)/);
  assert.match(out, /deterministic: two runs gave the same trace \((\d+) lines, hash ([0-9a-f]{16})\)/);
  const lines = readFileSync(traceFile, 'utf8').trimEnd().split('\n');
  const count = Number(/\((\d+) lines/.exec(out)![1]);
  assert.is(lines.length, count);
  assert.ok(lines.every((l) => /^\d+ \S+/.test(l)));
});

test('a bad scenario file exits 2 naming the file, line and field', async () => {
  const { code, err, out } = await capture(['fixtures/scenarios/invalid/bad-member-field.yml']);
  assert.is(code, 2);
  assert.is(out, '');
  assert.match(err, /fixtures\/scenarios\/invalid\/bad-member-field\.yml:9: field topology\.replicaSet\.members\[1\]\.priorty: unknown field "priorty"/);
  const host = await capture(['fixtures/scenarios/invalid/bad-timeline-host.yml', '--json']);
  assert.is(host.code, 2);
  assert.match(host.err, /bad-timeline-host\.yml:14: field timeline\[1\]\.restart: "z:27017" is not a host/);
});

test('usage errors exit 2 with a message; --help exits 0', async () => {
  for (const [argv, message] of [
    [[], /missing scenario FILE\.yml/],
    [[scenarioFile, 'extra.yml'], /expected one scenario file/],
    [[scenarioFile, '--seed', 'abc'], /--seed "abc" must be a non-negative integer/],
    [[scenarioFile, '--bogus'], /Unknown option '--bogus'/],
    [[join(dir, 'missing.yml')], /cannot read scenario .*missing\.yml: ENOENT/],
  ] as Array<[string[], RegExp]>) {
    const { code, err } = await capture(argv);
    assert.is(code, 2, argv.join(' '));
    assert.match(err, message);
  }
  const help = await capture(['--help']);
  assert.is(help.code, 0);
  assert.match(help.out, /Usage: mongosim run FILE\.yml/);
});

test.run();

test('the workload goes through the driver and its counts add up in --json; lost writes name their write', async () => {
  const file = join(dir, 'counts.yml');
  writeFileSync(
    file,
    `name: counts
duration: 30s
topology:
  replicaSet:
    members: [{ host: a:27017 }, { host: b:27017 }, { host: c:27017 }]
workload: { writesPerSecond: 10, w: majority }
timeline:
  - { at: 15s, crash: primary }
  - { at: 20s, recover: true }
`,
  );
  const { code, out, err } = await capture([file, '--json', '--seed', '2']);
  assert.is(code, 0, err);
  const report = JSON.parse(out) as { writes: Record<string, number>; operations: Record<string, number>; failures: unknown[]; lostWriteList: Array<{ outcome?: string; w?: unknown }> };
  const w = report.writes;
  assert.ok(w['sent']! > 100, JSON.stringify(w));
  assert.is(w['sent'], w['acknowledged']! + w['failed']! + w['unanswered']!);
  assert.ok(w['acknowledged']! > 0);
  assert.is(report.operations['write.ok'], w['acknowledged']);
  assert.equal(report.failures, []);
  for (const lost of report.lostWriteList) assert.is(lost.w, 'majority');
});
