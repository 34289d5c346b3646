/**
 * Finds every suite runner: each module in spec-tests/suites/ exports `suites: SpecSuite[]`.
 * Discovery (rather than a hand-kept import list) lets a new suite land without touching a
 * shared file; the order below only keeps reports stable and readable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SpecSuite } from './suite.js';

/** Report order for the suites the issues name; anything else follows alphabetically. */
export const SUITE_ORDER: readonly string[] = [
  'connection-string',
  'uri-options',
  'sdam/single',
  'sdam/rs',
  'sdam/sharded',
  'sdam/load-balanced',
  'sdam/errors',
  'sdam/monitoring',
  'server-selection/server_selection',
  'server-selection/rtt',
  'server-selection/in_window',
  'max-staleness',
  'cmap',
  'unified/retryable-reads',
  'unified/retryable-writes',
  'unified/sdam',
  'unified/server-selection-logging',
  'unified/cmap-logging',
  'unified/load-balancers',
  'unified/command-monitoring',
  'unified/command-logging',
];

const suitesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'suites');

export async function loadSuites(dir: string = suitesDir): Promise<SpecSuite[]> {
  const modules = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort() : [];
  const found: SpecSuite[] = [];
  const seen = new Set<string>();
  for (const file of modules) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { suites?: unknown };
    if (!Array.isArray(mod.suites)) throw new Error(`spec-tests/suites/${file} does not export a 'suites' array`);
    for (const suite of mod.suites as SpecSuite[]) {
      if (seen.has(suite.name)) throw new Error(`suite '${suite.name}' is defined twice (again in spec-tests/suites/${file})`);
      seen.add(suite.name);
      found.push(suite);
    }
  }
  const rank = (name: string): number => {
    const i = SUITE_ORDER.indexOf(name);
    return i === -1 ? SUITE_ORDER.length : i;
  };
  return found.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

/** The `.json` files of a suite, relative to its dir, sorted so runs are reproducible. */
export function suiteFiles(treeRoot: string, suite: SpecSuite): string[] {
  const base = path.join(treeRoot, suite.dir);
  if (!fs.existsSync(base)) return [];
  const out: string[] = [];
  const maxDepth = 8;
  const walk = (dir: string, rel: string, depth: number): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (suite.recursive && depth < maxDepth) walk(path.join(dir, entry.name), relPath, depth + 1);
      } else if (entry.isFile() && entry.name.endsWith('.json')) {
        out.push(relPath);
      }
    }
  };
  walk(base, '', 0);
  return out.sort();
}
