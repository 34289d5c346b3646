// core/ must stay pure: no Node built-ins, timers, clock, ambient randomness, process,
// console or fetch. This scans every core/ source file; the checker itself is tested on
// samples so a broken checker cannot pass silently.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findImpurities, blankCommentsAndStrings } from '../support/purity-check.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function coreSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return coreSources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

test('every core/ source file is pure', () => {
  const files = coreSources(path.join(root, 'core'));
  assert.ok(files.length > 0, 'found no core/ sources; the scan is looking in the wrong place');
  const problems = files.flatMap((f) => findImpurities(fs.readFileSync(f, 'utf8')).map((v) => `${path.relative(root, f)}:${v.line} ${v.what}`));
  assert.equal(problems, []);
});

const impure: Array<[string, string]> = [
  [`import * as fs from 'node:fs';`, "imports the Node built-in 'node:fs'"],
  [`import { EventEmitter } from "events";`, "imports the Node built-in 'events'"],
  [`import { promises } from 'fs/promises';`, "imports the Node built-in 'fs/promises'"],
  [`const m = await import('node:net');`, "imports the Node built-in 'node:net'"],
  [`const os = require('os');`, "imports the Node built-in 'os'"],
  [`setTimeout(() => 1, 10);`, 'uses setTimeout'],
  [`const t = setInterval(f, 5);`, 'uses setInterval'],
  [`setImmediate(f);`, 'uses setImmediate'],
  [`const now = Date.now();`, 'uses Date'],
  [`const d = new Date();`, 'uses Date'],
  [`const r = Math.random();`, 'uses Math.random'],
  [`if (process.env.X) {}`, 'uses process'],
  [`console.log('x');`, 'uses console'],
  [`await fetch('http://x');`, 'uses fetch'],
];

for (const [source, what] of impure) {
  test(`the checker flags: ${source}`, () => {
    const found = findImpurities(source).map((v) => v.what);
    assert.ok(found.includes(what), `expected "${what}" in ${JSON.stringify(found)}`);
  });
}

test('the checker ignores comments, strings and look-alike names', () => {
  const source = [
    `// setTimeout and Date.now() in a comment`,
    `/* console.log(process.env) */`,
    `const msg = 'the election process uses Date and console';`,
    `const lastWriteDate = s.lastWriteDate;`,
    `const t = \`fetch(\${x}) later\`;`,
    `import { parse } from './uri/parse.js';`,
    `const tv = desc.process;`,
  ].join('\n');
  assert.equal(findImpurities(source), []);
});

test('blanking keeps line numbers', () => {
  const out = blankCommentsAndStrings(`a /* x\ny */ b 'c'\nd`);
  assert.is(out.split('\n').length, 3);
  assert.ok(out.includes('b'));
  assert.not.ok(out.includes('c'));
});

test.run();
