import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { dump, load } from 'js-yaml';
import { readFileSync, readdirSync } from 'node:fs';
import { parseScenario, ScenarioError } from '../../../sim/scenario/parse.js';

/** Every valid fixture, as plain data. */
const fixtures = readdirSync('fixtures/scenarios')
  .filter((f) => f.endsWith('.yml'))
  .map((f) => load(readFileSync(`fixtures/scenarios/${f}`, 'utf8')) as Record<string, unknown>);

/** Every path to a leaf or collection inside a value. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

function setAt(root: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

test('property: any single corrupted field is either accepted or rejected with a ScenarioError that names a line and field', () => {
  const junk = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.double({ noNaN: true }),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('primary', 'a:27017', 'z:1', '10s', '-5m', 'majority', '8.0', 'uniform', ''),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('host', 'kind', 'at', 'crash', 'x'), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  );
  fc.assert(
    fc.property(fc.nat(), fc.nat(), junk, (fixtureIndex, pathIndex, value) => {
      const fixture = fixtures[fixtureIndex % fixtures.length];
      const all = paths(fixture);
      const path = all[pathIndex % all.length] as Array<string | number>;
      const text = dump(setAt(fixture, path, value));
      try {
        parseScenario(text, 'fuzz.yml');
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        assert.ok(error.line !== undefined && error.line >= 1, error.message);
        assert.match(error.message, /^fuzz\.yml:\d+: /);
      }
    }),
    { numRuns: 500 },
  );
});

test.run();
