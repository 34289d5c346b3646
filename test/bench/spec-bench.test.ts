// bench/spec.bench.ts times `mongosim spec` as a child process: its measuring helper must read
// the child's own CPU time and refuse a run that did not pass. (Speed is judged by `npm run bench`.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchmarks, fileBasedSuites, runSpecProcess, specProcessGoalMs } from '../../bench/spec.bench.js';

test('the file-based suites are the suites before the unified format', async () => {
  const names = await fileBasedSuites();
  for (const name of ['connection-string', 'uri-options', 'sdam/rs', 'server-selection/server_selection', 'max-staleness', 'cmap']) assert.ok(names.includes(name), name);
  assert.ok(!names.some((n) => n.startsWith('unified/')), names.join());
  assert.equal(benchmarks.map((b) => b.name), ['spec.files.process']);
  assert.is(specProcessGoalMs, 1000);
});

test('a child run reports its wall and CPU time', async () => {
  const r = await runSpecProcess(['cmap']);
  assert.ok(r.cpuMs > 0 && r.wallMs > 0, JSON.stringify(r));
});

test('a child run that does not exit 0 is an error naming the exit status and its message', async () => {
  try {
    await runSpecProcess(['no-such-suite']);
    assert.unreachable('an unknown suite must fail the run');
  } catch (err) {
    assert.match((err as Error).message, /exited 2: .*unknown suite 'no-such-suite'/);
  }
});

test.run();
