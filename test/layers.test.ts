// The layering rule holds for every source file in the repository (see test/support/layer-check.ts).
// The checker is itself tested on planted wrong-way imports, so a broken checker cannot pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLayerViolations, layerOf } from './support/layer-check.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const skipped = new Set(['node_modules', 'dist', '.git', '.cache', 'fixtures']);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (skipped.has(e.name) || e.name.startsWith('.')) return [];
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|mts|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

test('every source file imports only what its layer allows', () => {
  const files = sources(root).map((f) => path.relative(root, f));
  for (const folder of ['core', 'client', 'sim', 'harness']) {
    assert.ok(files.some((f) => f.startsWith(`${folder}/`)), `found no ${folder}/ sources; the scan looks in the wrong place`);
  }
  const problems = files.flatMap((f) => findLayerViolations(f, fs.readFileSync(path.join(root, f), 'utf8')).map((v) => `${f}:${v.line} '${v.specifier}': ${v.why}`));
  assert.equal(problems, []);
});

const wrongWay: Array<[file: string, source: string, expect: RegExp]> = [
  ['client/settle.ts', `import type { World } from '../sim/world.js';`, /client\/ imports sim\//],
  ['sim/ports.ts', `import type { RuntimePorts } from '../client/runtime/ports.js';`, /sim\/ imports client\//],
  ['sim/x.ts', `export { settle } from '../harness/settle.js';`, /sim\/ imports harness\//],
  ['core/sdam/x.ts', `import { World } from '../../sim/world.js';`, /core\/ imports sim\/, but core\/ may import nothing outside it/],
  ['core/x.ts', `const m = await import('../client/index.js');`, /core\/ imports client\//],
  ['core/x.ts', `import * as fs from 'node:fs';`, /may not import Node built-ins/],
  ['core/x.ts', `import { EventEmitter } from 'events';`, /may not import Node built-ins/],
  ['core/x.ts', `import fc from 'fast-check';`, /packages bson only/],
  ['client/x.ts', `import { X } from '../net/adapter.js';`, /client\/ imports net\//],
  ['harness/x.ts', `import { run } from '../cli/main.js';`, /harness\/ imports cli\//],
  ['net/x.ts', `import { spec } from '../spec-tests/report.js';`, /net\/ imports spec-tests\//],
  ['core/x.ts', `import { y } from '../../elsewhere/y.js';`, /leaves the repository/],
];

for (const [file, source, expect] of wrongWay) {
  test(`the checker flags a wrong-way import in ${file}: ${source}`, () => {
    const found = findLayerViolations(file, source);
    assert.ok(found.some((v) => expect.test(v.why)), `expected ${expect} in ${JSON.stringify(found)}`);
  });
}

const rightWay: Array<[file: string, source: string]> = [
  ['core/sdam/x.ts', `import { y } from '../selection/y.js';\nimport { BSON } from 'bson';`],
  ['client/x.ts', `import { parse } from '../core/uri/parse.js';\nimport { EventEmitter } from 'node:events';`],
  ['sim/x.ts', `import { a } from '../core/a.js';\nimport * as yaml from 'js-yaml';`],
  ['harness/x.ts', `import { World } from '../sim/world.js';\nimport { MongoClient } from '../client/index.js';`],
  ['cli/x.ts', `import { simPorts } from '../harness/index.js';\nimport * as fs from 'node:fs';`],
  ['test/core/x.test.ts', `import { World } from '../../sim/world.js';`],
  ['core/x.ts', `// import { World } from '../sim/world.js';\nconst s = "import x from '../sim/y.js'";\nconst t = 'from ../client/';`],
];

for (const [file, source] of rightWay) {
  test(`the checker allows ${file}: ${source.split('\n')[0]}`, () => {
    assert.equal(findLayerViolations(file, source), []);
  });
}

test('layerOf names the top-level folder', () => {
  assert.is(layerOf('core/sdam/topology.ts'), 'core');
  assert.is(layerOf('index.ts'), 'root');
  assert.is(layerOf('harness/settle.ts'), 'harness');
  assert.is(layerOf('docs/x.ts'), null);
});

test.run();
