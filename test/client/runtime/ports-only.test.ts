// The client runtime touches the world only through its ports (client/runtime/ports.ts): no
// Node built-ins, timers, wall clock, ambient randomness, process or console. That is what
// lets the same runtime run in virtual time (harness/sim-ports.ts) and over any other transport that implements the ports.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findImpurities } from '../../support/purity-check.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

test('every client/runtime source file reaches the world only through its ports', () => {
  const dir = path.join(root, 'client', 'runtime');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 5, 'found too few client/runtime sources; the scan is looking in the wrong place');
  const problems = files.flatMap((f) => findImpurities(fs.readFileSync(path.join(dir, f), 'utf8')).map((v) => `client/runtime/${f}:${v.line} ${v.what}`));
  assert.equal(problems, []);
});

test.run();
