/**
 * `mongosim run FILE.yml [--seed N] [--json] [--trace FILE] [--check]`: runs one scenario in
 * the simulator and reports elections, lost writes and invariant violations.
 *
 * Exit status: 0 when the run finished with no invariant violation, 1 when it found
 * violations (or `--check` found the run non-deterministic), 2 for a bad command line or
 * scenario file (the message names the file, line and field).
 *
 * The only wall-clock read is here, outside the world, to report `wallMs`.
 */
import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../spec-tests/package-root.js';
import { describeDifference, firstDifference } from '../sim/kernel/determinism.js';
import { parseScenario, ScenarioError } from '../sim/scenario/parse.js';
import { ScenarioBudgetError } from '../sim/scenario/runner.js';
import { runChecked, type CheckedRun } from '../harness/fuzz/run-case.js';
import { formatTimeline } from '../sim/scenario/timeline-yaml.js';
import { formatVirtualTime } from '../sim/scenario/duration.js';

export { formatVirtualTime };
import type { ScenarioResult } from '../sim/scenario/runner.js';
import type { Scenario } from '../sim/scenario/schema.js';
import { openPictureFile, PictureFileError, writePictureFile, type PictureFile } from './picture/file.js';
import { ScenarioPictureRecorder } from './picture/from-scenario.js';
import { renderPicture } from './picture/render.js';

/** The scenario schema, where this package is installed (the file ships with the package). */
export const scenarioSchemaFile = join(packageRoot, 'fixtures', 'scenarios', 'README.md');

export const RUN_USAGE = `Usage: mongosim run FILE.yml [--seed N] [--json] [--trace FILE] [--check] [--print-faults] [--html FILE]

Runs a simulator scenario in virtual time. The scenario file format is described in
  schema: ${scenarioSchemaFile}
  --seed N       the world's seed (default: the scenario's "seed", else 1)
  --json         print exactly one JSON object: seed, traceHash, virtualMs, wallMs,
                 primaries [{atMs, host, term}], elections, lostWrites, violations,
                 writes {sent, acknowledged, failed, unanswered, noPrimary},
                 lostWriteList [{atMs, host, reason, documentId, outcome, w}],
                 operations (client operations by kind.outcome), failures [{checker, message, ops}]
The workload and the scenario's clients go through the driver runtime (discovery, selection,
retries); the fuzz checkers judge the run (a failure exits 1, like an invariant violation).
  --trace FILE   write the full trace (one line per event) to FILE
  --check        determinism self-check: run twice, compare traces, name the first difference
  --html FILE    also write the run as a picture: one self-contained HTML page (a lane per
                 member, mongos and the workload client; zoom, pan and hover; no network)
  --print-faults print the run's whole schedule (the timeline and the random faults drawn for
                 this seed) as a YAML timeline instead of the report; put it in place of the
                 scenario's timeline, remove randomFaults, and the same --seed replays the run
Exit status: 0 ok, 1 invariant violations (or a failed --check), 2 bad arguments or scenario,
or a run past the scenario's budget (budget.events).`;

/** The scenario file may not be larger than this (a scenario is a page of YAML, not a data set). */
export const maxScenarioFileBytes = 10 * 1024 * 1024;

class RunUsageError extends Error {}

interface RunArgs {
  readonly file: string;
  readonly seed: number | undefined;
  readonly json: boolean;
  readonly traceFile: string | undefined;
  readonly check: boolean;
  readonly printFaults: boolean;
  readonly help: boolean;
  readonly html?: string | undefined;
}

function parseRunArgs(argv: string[]): RunArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        seed: { type: 'string' },
        json: { type: 'boolean', default: false },
        trace: { type: 'string' },
        check: { type: 'boolean', default: false },
        html: { type: 'string' },
        'print-faults': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new RunUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { file: '', seed: undefined, json: false, traceFile: undefined, check: false, printFaults: false, help: true };
  if (values.json === true && values['print-faults'] === true) throw new RunUsageError('--json and --print-faults each print the whole output; give one');
  if (positionals.length !== 1) {
    throw new RunUsageError(positionals.length === 0 ? 'missing scenario FILE.yml' : `expected one scenario file, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  let seed: number | undefined;
  if (values.seed !== undefined) {
    if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(Number(values.seed))) {
      throw new RunUsageError(`--seed ${JSON.stringify(values.seed)} must be a non-negative integer`);
    }
    seed = Number(values.seed);
  }
  if (values.trace !== undefined && values.trace.length === 0) throw new RunUsageError('--trace needs a file name');
  return {
    file: positionals[0] as string,
    seed,
    json: values.json === true,
    traceFile: values.trace,
    check: values.check === true,
    printFaults: values['print-faults'] === true,
    help: false,
    html: values.html,
  };
}

/** Why a file cannot be read, in words (the errno code alone means little to most users). */
function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOENT') return 'ENOENT (no such file)';
  if (code === 'EACCES') return 'EACCES (permission denied)';
  return code ?? (error as Error).message;
}

/**
 * Reads at most `maxScenarioFileBytes` (+1, to know it is over): a regular file is refused from
 * its size before any byte is read, and a stream (a pipe, /dev/zero) is never read whole.
 */
function readBounded(file: string): string {
  const tooLarge = (size?: number): RunUsageError =>
    new RunUsageError(`scenario ${file} is larger than ${maxScenarioFileBytes} bytes${size === undefined ? '' : ` (${size} bytes)`}`);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new RunUsageError(`cannot read scenario ${file}: ${readProblem(error)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new RunUsageError(`cannot read scenario ${file}: it is a directory`);
    if (stat.isFile() && stat.size > maxScenarioFileBytes) throw tooLarge(stat.size);
    const buffer = Buffer.alloc(maxScenarioFileBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxScenarioFileBytes) throw tooLarge();
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof RunUsageError) throw error;
    throw new RunUsageError(`cannot read scenario ${file}: ${readProblem(error)}`);
  } finally {
    closeSync(fd);
  }
}

function loadScenario(file: string): Scenario {
  return parseScenario(readBounded(file), file);
}

export async function runScenarioCommand(argv: string[]): Promise<number> {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  const err = (text: string): void => void process.stderr.write(`${text}\n`);
  let args: RunArgs;
  let scenario: Scenario;
  try {
    args = parseRunArgs(argv);
    if (args.help) {
      out(RUN_USAGE);
      return 0;
    }
    scenario = loadScenario(args.file);
  } catch (error) {
    if (error instanceof RunUsageError || error instanceof ScenarioError) {
      err(`mongosim run: ${error.message}`);
      if (error instanceof RunUsageError) err(`Run 'mongosim run --help' for usage.`);
      // `--json` promises one object on stdout, failures included (read from argv: the arguments may not have parsed).
      if (argv.includes('--json')) out(JSON.stringify({ error: error.message }));
      return 2;
    }
    throw error;
  }

  let htmlFile: PictureFile | undefined;
  try {
    htmlFile = args.html === undefined ? undefined : openPictureFile(args.html);
  } catch (error) {
    if (!(error instanceof PictureFileError)) throw error;
    err(`mongosim run: ${error.message}`);
    return 2;
  }
  const recorder = htmlFile === undefined ? undefined : new ScenarioPictureRecorder(scenario);

  try {
    return runAndReport(args, scenario, htmlFile, recorder);
  } catch (error) {
    if (!(error instanceof ScenarioBudgetError)) throw error;
    err(`mongosim run: ${error.message}`);
    if (args.json) out(JSON.stringify({ error: error.message }));
    return 2;
  }
}

function runAndReport(args: RunArgs, scenario: Scenario, htmlFile: PictureFile | undefined, recorder: ScenarioPictureRecorder | undefined): number {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  const err = (text: string): void => void process.stderr.write(`${text}\n`);
  const keepTraceLines = args.traceFile !== undefined || args.check;
  const started = performance.now();
  // The workload goes through the client runtime (harness/fuzz), and the fuzz checkers judge the run.
  const checked = runChecked(scenario, { ...(args.seed === undefined ? {} : { seed: args.seed }), keepTraceLines, ...(recorder === undefined ? {} : { observer: recorder.observer }) });
  const result = checked.result;
  const wallMs = performance.now() - started;
  if (htmlFile !== undefined && recorder !== undefined) writePictureFile(htmlFile, renderPicture(recorder.picture(args.file, result)));

  let determinism: { identical: boolean; message: string } | undefined;
  if (args.check) {
    const again = runChecked(scenario, { seed: result.seed, keepTraceLines: true }).result;
    const identical = again.traceHash === result.traceHash && again.traceLines === result.traceLines;
    const difference = identical ? undefined : firstDifference(result.world.trace.lines(), again.world.trace.lines());
    determinism = {
      identical,
      message: identical
        ? `deterministic: two runs gave the same trace (${result.traceLines} lines, hash ${result.traceHash})`
        : `NOT deterministic: ${difference === undefined ? `hashes ${result.traceHash} vs ${again.traceHash}` : describeDifference(difference)}`,
    };
  }

  if (args.traceFile !== undefined) {
    const trace = result.world.trace;
    try {
      writeFileSync(args.traceFile, trace.lines().length === 0 ? '' : `${trace.lines().join('\n')}\n`);
    } catch (error) {
      const message = `cannot write trace ${args.traceFile}: ${readProblem(error)}`;
      err(`mongosim run: ${message}`);
      if (args.json) out(JSON.stringify({ error: message }));
      return 2;
    }
    if (trace.linesTruncated) err(`mongosim run: the trace had ${trace.count} lines; only the first ${trace.lines().length} were written`);
  }

  if (args.json) {
    out(JSON.stringify(jsonReport(checked, wallMs, determinism?.identical)));
  } else if (args.printFaults) {
    out(`# ${scenario.name}, seed ${result.seed}: every action and random fault of the run, in order.`);
    out(`# Replay: put this timeline in place of the scenario's, remove randomFaults, run with --seed ${result.seed}.`);
    process.stdout.write(formatTimeline(result.timeline));
    if (determinism !== undefined) err(determinism.message);
  } else {
    out(humanReport(args.file, scenario, checked, wallMs));
    if (determinism !== undefined) out(determinism.message);
  }
  if (result.violationCount > 0 || checked.failures.length > 0) return 1;
  if (determinism !== undefined && !determinism.identical) return 1;
  return 0;
}

function jsonReport(checked: CheckedRun, wallMs: number, deterministic: boolean | undefined): Record<string, unknown> {
  const result = checked.result;
  return {
    seed: result.seed,
    traceHash: result.traceHash,
    virtualMs: result.virtualMs,
    wallMs: Math.round(wallMs),
    primaries: result.primaries.map((p) => ({ atMs: p.atMs, host: p.host, term: p.term })),
    elections: result.elections,
    lostWrites: result.lostWrites,
    violations: result.violations.map((v) => ({ atMs: v.atMs, invariant: v.invariant, detail: v.detail })),
    writes: result.writes,
    lostWriteList: result.lostWriteList.slice(0, maxListedLostWrites).map((l) => ({ atMs: l.atMs, host: l.host, reason: l.reason, documentId: l.documentId, ...(l.write === undefined ? {} : { outcome: l.write.outcome, w: l.write.w, ...(l.write.j === undefined ? {} : { j: l.write.j }) }) })),
    operations: operationCounts(checked),
    failures: checked.failures,
    ...(deterministic === undefined ? {} : { deterministic }),
  };
}

/** Lost writes listed one by one in --json (the count keeps going). */
export const maxListedLostWrites = 1000;

/** Client operations by kind and outcome (the scenario's clients and the workload's writes). */
function operationCounts(checked: CheckedRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const op of checked.history.ops) counts[`${op.kind}.${op.outcome}`] = (counts[`${op.kind}.${op.outcome}`] ?? 0) + 1;
  return counts;
}

function humanReport(file: string, scenario: Scenario, checked: CheckedRun, wallMs: number): string {
  const r = checked.result;
  const lines: string[] = [];
  const ratio = wallMs > 0 ? Math.round(r.virtualMs / wallMs) : Infinity;
  lines.push(`scenario: ${scenario.name} (${file})`);
  if (scenario.description !== undefined) lines.push(`  ${scenario.description}`);
  lines.push(
    `seed ${r.seed} · ${formatVirtualTime(r.virtualMs)} virtual in ${Math.round(wallMs)} ms wall (${ratio}× real time) · trace ${r.traceLines} lines, hash ${r.traceHash}`,
  );
  lines.push('');
  lines.push('timeline:');
  const rows: Array<{ atMs: number; order: number; text: string }> = [];
  r.actions.forEach((a, i) => {
    const where = a.source === 'random' ? ' (random)' : a.line === undefined ? '' : ` (line ${a.line})`;
    rows.push({ atMs: a.atMs, order: i, text: `${a.action}${where} → ${a.outcome}` });
  });
  r.primaries.forEach((p, i) => rows.push({ atMs: p.atMs, order: r.actions.length + i, text: `PRIMARY ${p.host} (term ${p.term})` }));
  for (const v of r.violations) rows.push({ atMs: v.atMs, order: Number.MAX_SAFE_INTEGER, text: `VIOLATION ${v.invariant}: ${v.detail}` });
  rows.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  for (const row of rows) lines.push(`  ${formatVirtualTime(row.atMs)}  ${row.text}`);
  lines.push('');
  const w = r.writes;
  if (w.sent + w.noPrimary > 0) {
    lines.push(`writes: ${w.sent} sent = ${w.acknowledged} acknowledged + ${w.failed} failed + ${w.unanswered} unanswered${w.noPrimary > 0 ? `; ${w.noPrimary} not sent (no primary)` : ''}`);
  }
  const counts = operationCounts(checked);
  if (Object.keys(counts).length > 0) lines.push(`client operations: ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  lines.push(`elections: ${r.elections}`);
  lines.push(`lost writes: ${r.lostWrites}`);
  for (const lost of r.lostWriteList.slice(0, 10)) {
    const made = lost.write === undefined ? '' : ` (${lost.write.outcome} write, w:${String(lost.write.w)}${lost.write.j === undefined ? '' : ` j:${lost.write.j}`})`;
    lines.push(`  ${formatVirtualTime(lost.atMs)}  ${lost.host} ${lost.reason}: ${lost.op} ${lost.ns} ${lost.opTime} _id=${JSON.stringify(lost.documentId)}${made}`);
  }
  if (r.lostWrites > 10) lines.push(`  ... and ${r.lostWrites - 10} more`);
  lines.push(`invariant violations: ${r.violationCount === 0 ? 'none' : r.violationCount}`);
  lines.push(`checker failures: ${checked.failures.length === 0 ? 'none' : checked.failures.length}`);
  for (const f of checked.failures) lines.push(`  ${f.checker}: ${f.message}`);
  lines.push(`primary at the end: ${r.finalPrimary ?? 'none'}`);
  return lines.join('\n');
}
