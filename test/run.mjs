#!/usr/bin/env node
// `npm test`: type-check and build the whole tree, run every unit/property test (uvu) and the
// full conformance report, check core/ line coverage, render the tutorial's HTML timeline in
// headless Chromium (test/browser/timeline.mjs), and end with one plain line
// `N passed, N failed, N skipped` totalling both. Plain JS because it must run before tsc.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORE_LINE_COVERAGE_MIN_PERCENT = 90;
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);

function run(label, cmd, args, { capture = false, env = process.env } = {}) {
  process.stdout.write(`\n== ${label}\n`);
  const r = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', maxBuffer: 256 * 1024 * 1024 });
  if (capture && r.stdout) process.stdout.write(r.stdout);
  return r;
}

let failed = 0;
let passed = 0;
let skipped = 0;
const problems = [];

// 1. Type-check and build everything (core, sim, net, spec-tests, cli, test, bench).
const build = run('tsc (strict, whole tree)', process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json']);
if (build.status !== 0) {
  problems.push('type check failed');
  failed++;
}

const coverageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-coverage-'));
const covEnv = { ...process.env, NODE_V8_COVERAGE: coverageDir, FORCE_COLOR: '0' };

// 2. Unit and property tests.
const unit = run('unit and property tests (uvu)', process.execPath, [bin('uvu', 'bin.js'), 'dist/test', '\\.test\\.js$', '--color=false'], { capture: true, env: covEnv });
const num = (re) => Number(re.exec(unit.stdout ?? '')?.[1] ?? NaN);
const uTotal = num(/Total:\s+(\d+)/);
const uPassed = num(/Passed:\s+(\d+)/);
const uSkipped = num(/Skipped:\s+(\d+)/);
if (Number.isNaN(uTotal) || Number.isNaN(uPassed)) {
  problems.push('the unit test run ended before printing its totals');
  failed++;
} else {
  passed += uPassed;
  failed += uTotal - uPassed;
  skipped += Number.isNaN(uSkipped) ? 0 : uSkipped;
  if (unit.status !== 0 && uTotal === uPassed) {
    problems.push(`uvu exited with status ${unit.status}`);
    failed++;
  }
}

// 3. The full conformance report (every suite; a verified tree unless MONGOSIM_SPECS_DIR says otherwise).
const specJson = path.join(coverageDir, 'spec-report.json.out');
const spec = run('conformance report (mongosim spec)', process.execPath, ['dist/cli/main.js', 'spec', '--json-file', specJson], { env: covEnv });
let specTotals = null;
try {
  const report = JSON.parse(fs.readFileSync(specJson, 'utf8'));
  specTotals = report.suites.reduce((a, s) => ({ passed: a.passed + s.passed, failed: a.failed + s.failed, skipped: a.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
} catch {
  // No report file: the spec tree was missing or did not verify; the command said why.
}
if (specTotals === null) {
  problems.push(`the conformance report did not run (exit status ${spec.status})`);
  failed++;
} else {
  passed += specTotals.passed;
  failed += specTotals.failed;
  skipped += specTotals.skipped;
  if (spec.status !== 0 && specTotals.failed === 0) {
    problems.push(`mongosim spec exited with status ${spec.status}`);
    failed++;
  }
}

// 4. Line coverage of core/ over both runs (source-mapped to the .ts files). `--all` counts
// core modules no test loaded; modules that compile to nothing (types only) are left out,
// since a source map would otherwise report every line of their declarations as unrun.
function typeOnlyModules(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return typeOnlyModules(p);
    if (!e.name.endsWith('.js')) return [];
    const code = fs.readFileSync(p, 'utf8').replace(/\/\/#.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').trim();
    return /^(export \{\};?)?$/.test(code) ? [path.relative(root, p)] : [];
  });
}
const typeOnly = fs.existsSync(path.join(root, 'dist', 'core')) ? typeOnlyModules(path.join(root, 'dist', 'core')) : [];
const cov = run(`core/ line coverage (minimum ${CORE_LINE_COVERAGE_MIN_PERCENT}%)`, process.execPath, [
  bin('c8', 'bin/c8.js'), 'report', '--temp-directory', coverageDir, '--reporter', 'text-summary',
  '--all', '--src', 'dist/core', '--include', 'dist/core/**', '--exclude', '**/*.d.ts', ...typeOnly.flatMap((f) => ['--exclude', f]),
  '--check-coverage', '--lines', String(CORE_LINE_COVERAGE_MIN_PERCENT),
], { env: { ...process.env, FORCE_COLOR: '0' } });
if (cov.status !== 0) {
  problems.push(`core/ line coverage is below ${CORE_LINE_COVERAGE_MIN_PERCENT}%`);
  failed++;
}
fs.rmSync(coverageDir, { recursive: true, force: true });

// 5. The tutorial's HTML timeline in headless Chromium (installed from Debian when missing);
// the screenshot stays in artifacts/ for CI to keep.
const browser = run('HTML timeline in headless Chromium', process.execPath, ['test/browser/timeline.mjs'], { capture: true });
const browserCounts = /timeline in Chromium: (\d+) of (\d+) checks held/.exec(browser.stdout ?? '');
if (/timeline in Chromium: skipped/.test(browser.stdout ?? '')) {
  skipped++;
} else if (browserCounts === null) {
  problems.push(`the browser check ended before printing its totals (exit status ${browser.status})`);
  failed++;
} else {
  passed += Number(browserCounts[1]);
  failed += Number(browserCounts[2]) - Number(browserCounts[1]);
}

process.stdout.write('\n');
for (const p of problems) process.stdout.write(`problem: ${p}\n`);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed > 0 ? 1 : 0;
