// A scenario has an explicit budget of simulator events; a run past it stops with a clear error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario, ScenarioError } from '../../../sim/scenario/parse.js';
import { runScenario, ScenarioBudgetError } from '../../../sim/scenario/runner.js';
import { defaultEventBudget } from '../../../sim/scenario/schema.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'cli', 'main.js');
const base = `name: budgeted\nduration: 1h\ntopology:\n  replicaSet:\n    members: [{ host: a:27017 }, { host: b:27017 }, { host: c:27017 }]\n`;

test('the budget is explicit: a default when the file gives none, or budget.events', () => {
  assert.is(parseScenario(base, 'b.yml').budget.events, defaultEventBudget);
  assert.is(parseScenario(`${base}budget: { events: 5000 }\n`, 'b.yml').budget.events, 5000);
  for (const bad of ['budget: { events: 0 }', 'budget: { events: 1.5 }', 'budget: { wall: 1 }', 'budget: 3']) {
    try {
      parseScenario(`${base}${bad}\n`, 'b.yml');
      assert.unreachable(bad);
    } catch (error) {
      assert.instance(error, ScenarioError, bad);
      assert.match((error as ScenarioError).message, /^b\.yml:6: field budget/, bad);
    }
  }
});

test('a run past its budget stops there with an error naming the budget and the virtual time', () => {
  const scenario = parseScenario(`${base}budget: { events: 5000 }\n`, 'b.yml');
  try {
    runScenario(scenario, { seed: 1 });
    assert.unreachable('the run should have stopped');
  } catch (error) {
    assert.instance(error, ScenarioBudgetError);
    const e = error as ScenarioBudgetError;
    assert.match(e.message, /scenario "budgeted" ran past its budget of 5000 events at virtual time 00:\d\d:\d\d\.\d{3} \(of 01:00:00\.000\); raise budget\.events/);
    assert.ok(e.virtualMs < 3_600_000);
  }
  // Within budget, the same scenario runs to its end.
  const fine = runScenario(parseScenario(`${base}budget: { events: 1000000 }\n`, 'b.yml'), { seed: 1 });
  assert.is(fine.virtualMs, 3_600_000);
});

test('mongosim run: past the budget is one line and exit 2; --json prints {error}', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-budget-')), 'b.yml');
  fs.writeFileSync(file, `${base}budget: { events: 5000 }\n`);
  const human = spawnSync(process.execPath, [cli, 'run', file], { encoding: 'utf8' });
  assert.is(human.status, 2);
  assert.is(human.stderr.trimEnd().split('\n').length, 1, human.stderr);
  assert.match(human.stderr, /ran past its budget of 5000 events/);
  const json = spawnSync(process.execPath, [cli, 'run', file, '--json'], { encoding: 'utf8' });
  assert.is(json.status, 2);
  assert.match((JSON.parse(json.stdout) as { error: string }).error, /ran past its budget/);
});

test.run();
