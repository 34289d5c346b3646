// Every TypeScript example in README.md compiles against the package's real API (see
// test/support/readme-check.ts). The checker itself is tested on planted blocks, so a checker
// that accepts anything cannot pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractTsBlocks, typeCheckBlocks } from './support/readme-check.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const planted = [
  '# planted',
  '',
  '```sh',
  'npm test',
  '```',
  '',
  '```ts',
  "import { parseConnectionString } from 'mongosim/core';",
  "const cs = parseConnectionString('mongodb://a/?replicaSet=rs');",
  'cs.options;',
  '```',
  '',
  '<!-- prelude: declare const now: number; -->',
  '```ts',
  "import { createMonitor } from 'mongosim/core';",
  "createMonitor({ address: 'a:27017', heartbeatFrequencyMS: 10_000, serverMonitoringMode: 'poll', isFaaS: false, connectTimeoutMS: 1000 }, now);",
  '```',
  '',
  '```ts',
  "import { parseConnectionString, noSuchFunction } from 'mongosim/core';",
  "noSuchFunction(parseConnectionString('mongodb://a'));",
  '```',
  '',
  '```ts',
  "import { World } from 'mongosim/sim';",
  'const world = new World({ seed: 1 });',
  'world.scheduler.runForever();',
  '```',
  '',
  '```ts',
  "import { createMonitor } from 'mongosim/core';",
  "createMonitor({ address: 'a:27017', heartbeatFrequencyMS: 10_000, serverMonitoringMode: 'poll', isFaaS: false, connectTimeoutMS: 1000 }, now);",
  '```',
  '',
].join('\n');

test('extractor: ts blocks only, with their Markdown lines and preludes', () => {
  const blocks = extractTsBlocks(planted);
  assert.equal(blocks.map((b) => [b.index, b.line, b.prelude]), [
    [1, 8, ''],
    [2, 15, 'declare const now: number;'],
    [3, 20, ''],
    [4, 25, ''],
    [5, 31, ''],
  ]);
  assert.is(blocks[0]!.code, "import { parseConnectionString } from 'mongosim/core';\nconst cs = parseConnectionString('mongodb://a/?replicaSet=rs');\ncs.options;");
  assert.throws(() => extractTsBlocks('```ts\nconst a = 1;\n'), /line 1: code block is never closed/);
});

test('checker: planted blocks that use APIs that do not exist fail, at their README lines', () => {
  const problems = typeCheckBlocks(extractTsBlocks(planted), { root, source: 'planted.md' });
  const byBlock = new Map<number, string[]>();
  for (const p of problems) byBlock.set(p.block, [...(byBlock.get(p.block) ?? []), p.message]);
  assert.equal([...byBlock.keys()].sort(), [3, 4, 5], problems.map((p) => p.message).join('\n'));
  assert.match(byBlock.get(3)!.join('\n'), /^planted\.md:20: TS2305: .*noSuchFunction/m);
  assert.match(byBlock.get(4)!.join('\n'), /^planted\.md:27: TS2339: .*runForever/m);
  // The same fragment as block 2 without its prelude: `now` is not declared.
  assert.match(byBlock.get(5)!.join('\n'), /^planted\.md:32: TS2304: Cannot find name 'now'/m);
});

test('every ts code block in README.md type-checks against the real API', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = extractTsBlocks(readme);
  assert.ok(blocks.length >= 6, `found only ${blocks.length} ts blocks in README.md`);
  const problems = typeCheckBlocks(blocks, { root, source: 'README.md' });
  assert.equal(problems.map((p) => p.message), []);
});

test.run();
