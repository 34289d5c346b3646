import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every .ts file under sim/ (the simulator must be a pure function of seed and scenario). */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Strips // and /* *\/ comments and string contents well enough for a token scan. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
}

const forbidden: Array<[RegExp, string]> = [
  [/\bMath\.random\b/, 'Math.random (use world.random(stream))'],
  [/\bDate\.now\b/, 'Date.now (use the scheduler clock)'],
  [/\bnew Date\(\s*\)/, 'new Date() without an argument reads the real clock'],
  [/\bperformance\.now\b/, 'performance.now'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
  [/\bset(?:Timeout|Interval|Immediate)\s*\(/, 'real timers (use the scheduler)'],
  [/\bcrypto\.random|\brandomBytes\b|\brandomUUID\b/, 'crypto randomness'],
];

test('nothing in sim/ reads the real clock, real timers or unseeded randomness', () => {
  const files = sources('sim');
  assert.ok(files.length >= 10);
  const problems: string[] = [];
  for (const file of files) {
    const lines = code(readFileSync(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      for (const [pattern, why] of forbidden) if (pattern.test(line)) problems.push(`${file}:${i + 1}: ${why}`);
    });
  }
  assert.equal(problems, []);
});

test.run();
