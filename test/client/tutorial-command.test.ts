/** The main job (cli/tutorial-command.ts): checks hold, output is deterministic per seed, --json and bad arguments. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tutorialCommand, type TutorialResult } from '../../cli/tutorial-command.js';

async function capture(argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await tutorialCommand(argv, (line) => lines.push(line));
  return { code, text: lines.join('\n') };
}

test('the same seed prints the same timeline, every check holds, and it covers the nine items', async () => {
  const a = await capture(['--seed', '7']);
  const b = await capture(['--seed', '7']);
  assert.is(a.code, 0, a.text.slice(-400));
  assert.is(a.text, b.text);
  for (let item = 1; item <= 9; item++) assert.match(a.text, new RegExp(`^== ${item}\\. `, 'm'));
  assert.match(a.text, /All \d+ checks held\./);
  // The narrative elements the issue asks for: cluster events, client events, errors, retries, addresses.
  assert.match(a.text, /cluster +localhost:270\d\d crashed/);
  assert.match(a.text, /cluster +localhost:270\d\d elected primary/);
  assert.match(a.text, /client +\[app\] localhost:270\d\d Unknown → RSSecondary/);
  assert.match(a.text, /error +\[noretry\] find on localhost:270\d\d failed: MongoNetworkError/);
  assert.match(a.text, /retry +\[app\] retrying \(attempt 2\)/);
  assert.match(a.text, /op +\[app\] insertOne\(\{x: 2\}\).* → localhost:270\d\d ok after 2 attempts/);
});

test('--json prints one object with the timeline; another seed gives another run', async () => {
  const one = await capture(['--json', '--seed', '3']);
  assert.is(one.code, 0);
  assert.not.match(one.text, /\n/);
  const result = JSON.parse(one.text) as TutorialResult;
  assert.is(result.seed, 3);
  assert.is(result.ok, true);
  assert.equal(result.failed, []);
  assert.ok(result.timeline.length > 50);
  const kinds = new Set(result.timeline.map((e) => e.kind));
  for (const kind of ['section', 'cluster', 'client', 'op', 'error', 'retry', 'check']) assert.ok(kinds.has(kind as never), kind);
  const ops = result.timeline.filter((e) => e.kind === 'op' && e.ok === true);
  assert.ok(ops.every((e) => typeof e.address === 'string'));
  const other = await capture(['--json', '--seed', '4']);
  assert.is.not(other.text, one.text);
});

test('bad arguments exit 2; --help prints usage', async () => {
  const writes: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (writes.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    assert.is((await capture(['--seed', 'x'])).code, 2);
    assert.is((await capture(['--bogus'])).code, 2);
  } finally {
    process.stderr.write = original;
  }
  assert.match(writes.join(''), /--seed "x" must be a non-negative integer/);
  const help = await capture(['--help']);
  assert.is(help.code, 0);
  assert.match(help.text, /--seed N/);
});

test.run();
