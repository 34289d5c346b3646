/**
 * fixtures/specifications.lock pins the upstream repository, the commit and the sha256 of
 * every test file the project runs. A default tree is verified against it before anything
 * runs; a missing, changed or unpinned file is an error naming the file (no partial runs).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from './package-root.js';
import { SpecTreeError } from './locate.js';

export interface SpecLock {
  readonly repository: string;
  readonly commit: string;
  /** Path relative to the tree root (`/` separators) → sha256 hex. */
  readonly files: Readonly<Record<string, string>>;
}

export const LOCK_PATH = path.join(packageRoot, 'fixtures', 'specifications.lock');
export const UPSTREAM_REPOSITORY = 'https://github.com/mongodb/specifications.git';

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function readLock(file: string = LOCK_PATH): SpecLock {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new SpecTreeError(`cannot read the lock file ${file}; regenerate it with \`npm run specs:lock\``);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SpecTreeError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const lock = parsed as Partial<SpecLock>;
  if (typeof lock?.repository !== 'string' || typeof lock.commit !== 'string' || typeof lock.files !== 'object' || lock.files === null) {
    throw new SpecTreeError(`${file} must hold {repository, commit, files}`);
  }
  for (const [name, digest] of Object.entries(lock.files)) {
    if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest)) throw new SpecTreeError(`${file}: files["${name}"] is not a sha256 hex digest`);
  }
  return lock as SpecLock;
}

/** The commit named by the tree's SOURCE.md, if it has one. */
export function treeCommit(root: string): string | null {
  try {
    const text = fs.readFileSync(path.join(root, 'SOURCE.md'), 'utf8');
    return /\b([0-9a-f]{40})\b/.exec(text)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * Checks every pinned file, and that every file about to run is pinned.
 * `toRun` are paths relative to the tree root.
 */
export function verifyTree(root: string, lock: SpecLock, toRun: readonly string[]): void {
  const problems: string[] = [];
  for (const [rel, digest] of Object.entries(lock.files)) {
    const file = path.join(root, rel);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      problems.push(`missing: ${rel}`);
      continue;
    }
    // A directory (or a device, a pipe) where a pinned file belongs is a changed tree, not a crash.
    if (!stat.isFile()) {
      problems.push(`not a file: ${rel}`);
      continue;
    }
    if (sha256File(file) !== digest) problems.push(`changed: ${rel} (sha256 differs from fixtures/specifications.lock)`);
  }
  for (const rel of toRun) {
    if (!(rel in lock.files)) problems.push(`not pinned: ${rel} (run \`npm run specs:lock\` after adding a suite)`);
  }
  if (problems.length > 0) {
    // Problems a person acts on first (changed, not a file) before the long tail of missing ones; one line.
    const order = (p: string): number => (p.startsWith('missing:') ? 1 : 0);
    const sorted = problems.map((p, i) => ({ p, i })).sort((a, b) => order(a.p) - order(b.p) || a.i - b.i).map((x) => x.p);
    const maxListed = 20;
    const listed = sorted.slice(0, maxListed);
    if (sorted.length > maxListed) listed.push(`... and ${sorted.length - maxListed} more`);
    throw new SpecTreeError(`The specifications tree at ${root} does not match fixtures/specifications.lock (commit ${lock.commit}): ${listed.join('; ')}`);
  }
}
