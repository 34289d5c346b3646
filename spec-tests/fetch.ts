/**
 * `npm run specs:fetch`: fills .cache/specifications with the upstream `source/` folder at
 * the commit pinned in fixtures/specifications.lock, using git, then verifies it. Needs
 * internet access; on a machine without it the failure says so. MONGOSIM_SPECS_REPO may
 * name a mirror (or a local clone) instead of the upstream repository.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from './locate.js';
import { readLock, verifyTree } from './lock.js';
import { packageRoot } from './package-root.js';

const GIT_TIMEOUT_MS = 300_000;

function git(args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: GIT_TIMEOUT_MS });
  if (r.error) return { ok: false, output: r.error.message };
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

export function fetchSpecs(repository: string, target: string = cacheDir()): string {
  const lock = readLock();
  const work = path.join(packageRoot, '.cache', 'specifications-git');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const steps: string[][] = [['init', '--quiet'], ['fetch', '--quiet', '--depth', '1', repository, lock.commit], ['checkout', '--quiet', 'FETCH_HEAD']];
  for (const step of steps) {
    const r = git(step, work);
    if (!r.ok) {
      fs.rmSync(work, { recursive: true, force: true });
      throw new Error(
        `git ${step[0]} failed: ${r.output.split('\n').slice(-3).join(' ')}\n` +
          `Fetching the specifications needs internet access to ${repository} (or set MONGOSIM_SPECS_REPO to a reachable mirror).`,
      );
    }
  }
  const source = path.join(work, 'source');
  if (!fs.existsSync(source)) throw new Error(`commit ${lock.commit} of ${repository} has no source/ folder`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.renameSync(source, target);
  fs.rmSync(work, { recursive: true, force: true });
  verifyTree(target, lock, []);
  return target;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  try {
    const lock = readLock();
    const target = fetchSpecs(process.env['MONGOSIM_SPECS_REPO'] || lock.repository);
    process.stdout.write(`specifications at ${lock.commit} are in ${target} (verified)\n`);
  } catch (err) {
    process.stderr.write(`specs:fetch: ${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}
