/**
 * Finds the official specifications tree. The project never keeps copies of the upstream
 * files; it reads them where they are, in this order:
 *   1. `--specs DIR` (run as given, without the checksum check: an "unverified tree");
 *   2. the MONGOSIM_SPECS_DIR environment variable;
 *   3. `../shared/specifications` next to the package;
 *   4. `.cache/specifications`, filled by `npm run specs:fetch`.
 * Places 2–4 are verified against fixtures/specifications.lock before anything runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from './package-root.js';

export type SpecTreeSource = 'flag' | 'env' | 'shared' | 'cache';

export interface SpecTree {
  readonly root: string;
  readonly source: SpecTreeSource;
  /** Whether the tree must be checked against the lock before use. */
  readonly verify: boolean;
}

export const SPECS_ENV_VAR = 'MONGOSIM_SPECS_DIR';
export const FETCH_COMMAND = 'npm run specs:fetch';

export class SpecTreeError extends Error {
  override readonly name = 'SpecTreeError';
}

export interface LocateOptions {
  /** Value of `--specs`, if given. */
  readonly flagDir?: string | undefined;
  /** Value of MONGOSIM_SPECS_DIR, if set. */
  readonly envDir?: string | undefined;
  /** Defaults to the package root; tests point it elsewhere. */
  readonly root?: string;
}

export function sharedDir(root: string = packageRoot): string {
  return path.resolve(root, '..', 'shared', 'specifications');
}

export function cacheDir(root: string = packageRoot): string {
  return path.resolve(root, '.cache', 'specifications');
}

function isDir(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

export function locateSpecs(options: LocateOptions = {}): SpecTree {
  const root = options.root ?? packageRoot;
  // An explicit choice that does not exist is an error, never a silent fall-through to
  // another tree: the user would otherwise test against files they did not mean.
  if (options.flagDir !== undefined) {
    const dir = path.resolve(options.flagDir);
    if (!isDir(dir)) throw new SpecTreeError(`--specs ${options.flagDir}: no such directory`);
    return { root: dir, source: 'flag', verify: false };
  }
  if (options.envDir !== undefined && options.envDir !== '') {
    const dir = path.resolve(options.envDir);
    if (!isDir(dir)) throw new SpecTreeError(`${SPECS_ENV_VAR}=${options.envDir}: no such directory`);
    return { root: dir, source: 'env', verify: true };
  }
  const shared = sharedDir(root);
  if (isDir(shared)) return { root: shared, source: 'shared', verify: true };
  const cache = cacheDir(root);
  if (isDir(cache)) return { root: cache, source: 'cache', verify: true };
  // One line (setup errors are one line on the terminal and one string in --json).
  throw new SpecTreeError(
    [
      'No MongoDB specifications tree was found. Looked in, in order:',
      '1. --specs DIR (not given);',
      `2. the ${SPECS_ENV_VAR} environment variable (not set);`,
      `3. ${shared};`,
      `4. ${cache}.`,
      `Fill place 4 with \`${FETCH_COMMAND}\` (needs internet access and git), or point --specs / ${SPECS_ENV_VAR} at a copy of the upstream source/ folder.`,
    ].join(' '),
  );
}
