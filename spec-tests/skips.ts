/**
 * spec-tests/skips.yml is the only place a test may be skipped: a list of
 * `{suite, test, reason}` entries, the reason one line. Code never skips by name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { packageRoot } from './package-root.js';

export interface SkipEntry {
  readonly suite: string;
  /** The case id as the report prints it. */
  readonly test: string;
  readonly reason: string;
}

export const SKIPS_PATH = path.join(packageRoot, 'spec-tests', 'skips.yml');

export class SkipsFileError extends Error {
  override readonly name = 'SkipsFileError';
}

export function parseSkips(text: string, file = 'spec-tests/skips.yml'): SkipEntry[] {
  // A file of only comments means "no skips" (js-yaml 5 rejects an empty document).
  if (text.split('\n').every((line) => /^\s*(#.*)?$/.test(line))) return [];
  let doc: unknown;
  try {
    doc = loadYaml(text);
  } catch (err) {
    throw new SkipsFileError(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(doc)) throw new SkipsFileError(`${file}: must be a list of {suite, test, reason} entries`);
  const seen = new Set<string>();
  return doc.map((entry: unknown, i: number) => {
    const where = `${file}: entry ${i + 1}`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new SkipsFileError(`${where} is not a mapping`);
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!['suite', 'test', 'reason'].includes(key)) throw new SkipsFileError(`${where}: unknown field '${key}'`);
    }
    for (const key of ['suite', 'test', 'reason'] as const) {
      if (typeof e[key] !== 'string' || (e[key] as string).trim() === '') throw new SkipsFileError(`${where}: '${key}' must be a non-empty string`);
    }
    const reason = e['reason'] as string;
    if (reason.includes('\n')) throw new SkipsFileError(`${where}: 'reason' must be one line`);
    const key = `${e['suite'] as string}\u0000${e['test'] as string}`;
    if (seen.has(key)) throw new SkipsFileError(`${where}: duplicate skip for ${e['suite'] as string} / ${e['test'] as string}`);
    seen.add(key);
    return { suite: e['suite'] as string, test: e['test'] as string, reason };
  });
}

export function readSkips(file: string = SKIPS_PATH): SkipEntry[] {
  if (!fs.existsSync(file)) throw new SkipsFileError(`${file} is missing`);
  return parseSkips(fs.readFileSync(file, 'utf8'), path.relative(packageRoot, file) || file);
}
