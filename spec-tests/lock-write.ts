/**
 * `npm run specs:lock [-- --specs DIR]`: writes fixtures/specifications.lock from a tree,
 * pinning the sha256 of every file the registered suites run. Run it after adding a suite
 * or moving the pinned commit; review the diff like any other change.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { locateSpecs, SPECS_ENV_VAR } from './locate.js';
import { loadSuites, suiteFiles } from './registry.js';
import { LOCK_PATH, sha256File, treeCommit, UPSTREAM_REPOSITORY, type SpecLock } from './lock.js';
import * as path from 'node:path';

export async function buildLock(root: string): Promise<SpecLock> {
  const commit = treeCommit(root);
  if (commit === null) throw new Error(`${root}/SOURCE.md does not name the upstream commit; cannot pin an unknown tree`);
  const files: Record<string, string> = {};
  for (const suite of await loadSuites()) {
    for (const rel of suiteFiles(root, suite)) {
      const treePath = `${suite.dir}/${rel}`;
      files[treePath] = sha256File(path.join(root, treePath));
    }
  }
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { repository: UPSTREAM_REPOSITORY, commit, files: sorted };
}

async function cli(): Promise<number> {
  const { values } = parseArgs({ options: { specs: { type: 'string' } }, strict: true });
  // The lock is written from the tree a plain run would use, without verifying it first.
  const tree = locateSpecs({ flagDir: values.specs, envDir: process.env[SPECS_ENV_VAR] });
  const lock = await buildLock(tree.root);
  fs.writeFileSync(LOCK_PATH, `${JSON.stringify(lock, null, 2)}\n`);
  process.stdout.write(`wrote ${LOCK_PATH}: ${Object.keys(lock.files).length} files at ${lock.commit} from ${tree.root}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  cli().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`specs:lock: ${(err as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
