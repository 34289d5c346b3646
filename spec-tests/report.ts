/**
 * The conformance report: runs the selected suites over a located (and, for default trees,
 * verified) specifications tree and summarises them per suite.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SpecCase, SpecSuite } from './suite.js';
import { suiteFiles } from './registry.js';
import type { SkipEntry } from './skips.js';
import type { SpecTree } from './locate.js';
import { readLock, treeCommit, verifyTree, type SpecLock } from './lock.js';
import { redactSecrets } from './redact.js';

export interface CaseFailure {
  readonly file: string;
  readonly test: string;
  /** The first difference (or the error) in one line. */
  readonly difference: string;
}

export interface SuiteReport {
  readonly suite: string;
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: CaseFailure[];
  readonly skips: { test: string; reason: string }[];
  /** Ids of the passing cases (JUnit lists them; the JSON report does not). */
  readonly passedTests: string[];
}

export interface Report {
  readonly specCommit: string | null;
  readonly verified: boolean;
  readonly specsDir: string;
  readonly suites: SuiteReport[];
  /** skips.yml entries that matched no test of a suite that ran. */
  readonly unusedSkips: SkipEntry[];
}

/** An async case that never settles must not hang the report. */
export const CASE_TIMEOUT_MS = 30_000;
const MAX_DIFFERENCE_CHARS = 500;

export interface RunOptions {
  readonly tree: SpecTree;
  readonly suites: readonly SpecSuite[];
  readonly skips: readonly SkipEntry[];
  /** Needed when `tree.verify`; defaults to fixtures/specifications.lock. */
  readonly lock?: SpecLock;
}

export async function runReport(options: RunOptions): Promise<Report> {
  const { tree, suites, skips } = options;
  const filesBySuite = new Map<SpecSuite, string[]>();
  for (const suite of suites) filesBySuite.set(suite, suiteFiles(tree.root, suite));

  let specCommit = treeCommit(tree.root);
  if (tree.verify) {
    const lock = options.lock ?? readLock();
    const toRun = [...filesBySuite].flatMap(([suite, files]) => files.map((f) => `${suite.dir}/${f}`));
    verifyTree(tree.root, lock, toRun);
    specCommit = lock.commit;
  }

  const used = new Set<SkipEntry>();
  const reports: SuiteReport[] = [];
  for (const suite of suites) {
    const skipFor = new Map(skips.filter((s) => s.suite === suite.name).map((s) => [s.test, s] as const));
    const failures: CaseFailure[] = [];
    const skipped: { test: string; reason: string }[] = [];
    const passedTests: string[] = [];
    let total = 0;
    for (const relPath of filesBySuite.get(suite) ?? []) {
      let cases: SpecCase[];
      try {
        const json: unknown = JSON.parse(fs.readFileSync(path.join(tree.root, suite.dir, relPath), 'utf8'));
        cases = suite.cases({ relPath, json });
      } catch (err) {
        // A file the runner cannot even split counts as one failed unit, so it is never silently lost.
        total++;
        failures.push({ file: relPath, test: relPath, difference: oneLine(err) });
        continue;
      }
      for (const c of cases) {
        total++;
        const skip = skipFor.get(c.id);
        if (skip) {
          used.add(skip);
          skipped.push({ test: c.id, reason: skip.reason });
          continue;
        }
        try {
          await withTimeout(c.run());
          passedTests.push(c.id);
        } catch (err) {
          failures.push({ file: c.file, test: c.id, difference: oneLine(err) });
        }
      }
    }
    reports.push({ suite: suite.name, total, passed: passedTests.length, failed: failures.length, skipped: skipped.length, failures, skips: skipped, passedTests });
  }
  const ran = new Set(suites.map((s) => s.name));
  const unusedSkips = skips.filter((s) => ran.has(s.suite) && !used.has(s));
  return { specCommit, verified: tree.verify, specsDir: tree.root, suites: reports, unusedSkips };
}

async function withTimeout(result: void | Promise<void>): Promise<void> {
  if (!(result instanceof Promise)) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      result,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function oneLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name === 'Error' || err.name === 'SpecMismatch' ? '' : `${err.name}: `}${err.message}` : String(err);
  // Redacted before the length bound, so a cut cannot leave half a password behind.
  const flat = redactSecrets(text).replace(/\s*\n\s*/g, ' ⏎ ');
  return flat.length > MAX_DIFFERENCE_CHARS ? `${flat.slice(0, MAX_DIFFERENCE_CHARS)}…` : flat;
}

export function totals(report: Report): { total: number; passed: number; failed: number; skipped: number } {
  return report.suites.reduce(
    (acc, s) => ({ total: acc.total + s.total, passed: acc.passed + s.passed, failed: acc.failed + s.failed, skipped: acc.skipped + s.skipped }),
    { total: 0, passed: 0, failed: 0, skipped: 0 },
  );
}

/** The `--json` shape: exactly one object. */
export function toJson(report: Report): object {
  return {
    specCommit: report.specCommit,
    verified: report.verified,
    suites: report.suites.map((s) => ({
      suite: s.suite,
      total: s.total,
      passed: s.passed,
      failed: s.failed,
      skipped: s.skipped,
      failures: s.failures,
      skips: s.skips,
    })),
  };
}

export function formatHuman(report: Report): string {
  const lines: string[] = [];
  const tree = report.verified ? `verified against fixtures/specifications.lock` : 'unverified tree';
  lines.push(`MongoDB specifications ${report.specCommit ?? '(unknown commit)'} at ${report.specsDir} (${tree})`, '');
  const header = ['suite', 'total', 'passed', 'failed', 'skipped'];
  const rows = report.suites.map((s) => [s.suite, String(s.total), String(s.passed), String(s.failed), String(s.skipped)]);
  const t = totals(report);
  rows.push(['all', String(t.total), String(t.passed), String(t.failed), String(t.skipped)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  lines.push(fmt(header), widths.map((w) => '-'.repeat(w)).join('  '));
  rows.forEach((r, i) => {
    if (i === rows.length - 1) lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
    lines.push(fmt(r));
  });
  const failures = report.suites.flatMap((s) => s.failures.map((f) => ({ suite: s.suite, ...f })));
  if (failures.length > 0) {
    lines.push('', `Failures (${failures.length}):`);
    for (const f of failures) lines.push(`  [${f.suite}] ${f.test}`, `      ${f.difference}`);
  }
  const skips = report.suites.flatMap((s) => s.skips.map((k) => ({ suite: s.suite, ...k })));
  lines.push('', skips.length > 0 ? `Skipped (${skips.length}), from spec-tests/skips.yml:` : 'Skipped: none.');
  for (const k of skips) lines.push(`  [${k.suite}] ${k.test}: ${k.reason}`);
  for (const u of report.unusedSkips) lines.push(`  warning: skips.yml entry matches no test: [${u.suite}] ${u.test}`);
  return lines.join('\n');
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** JUnit XML for CI dashboards: one testsuite per suite; only failures and skips carry detail. */
export function formatJunit(report: Report): string {
  const t = totals(report);
  const out = [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites name="mongosim spec" tests="${t.total}" failures="${t.failed}" skipped="${t.skipped}">`];
  for (const s of report.suites) {
    out.push(`  <testsuite name="${xmlEscape(s.suite)}" tests="${s.total}" failures="${s.failed}" skipped="${s.skipped}">`);
    for (const f of s.failures) {
      out.push(`    <testcase classname="${xmlEscape(s.suite)}" name="${xmlEscape(f.test)}">`, `      <failure message="${xmlEscape(f.difference)}"/>`, `    </testcase>`);
    }
    for (const k of s.skips) {
      out.push(`    <testcase classname="${xmlEscape(s.suite)}" name="${xmlEscape(k.test)}">`, `      <skipped message="${xmlEscape(k.reason)}"/>`, `    </testcase>`);
    }
    for (const id of s.passedTests) out.push(`    <testcase classname="${xmlEscape(s.suite)}" name="${xmlEscape(id)}"/>`);
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
