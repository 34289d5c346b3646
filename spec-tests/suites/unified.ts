/**
 * The unified-format suites (unified-test-format.md), each test run on a fresh simulated
 * cluster by spec-tests/unified/runner.ts. One unit is one `tests` entry; a file that does
 * not parse is one failed unit naming the bad field.
 */
import { parseUnifiedFile } from '../unified/schema.js';
import type { SpecCase, SpecFile, SpecSuite } from '../suite.js';

/**
 * The runner (with the client, the harness and the simulator behind it) is imported on the
 * first unified test that runs: loading it costs about 0.17 s of CPU, which a spec run of only
 * the file-based suites (issue 14: under 1 s as a whole process) should not pay.
 */
let runner: Promise<typeof import('../unified/runner.js')> | undefined;
function loadRunner(): Promise<typeof import('../unified/runner.js')> {
  runner ??= import('../unified/runner.js');
  return runner;
}

function unifiedSuite(name: string, dir: string): SpecSuite {
  return {
    name,
    dir,
    recursive: false,
    cases(file: SpecFile): SpecCase[] {
      const parsed = parseUnifiedFile(file.json);
      return parsed.tests.map((test) => ({
        id: `${file.relPath}: ${test.description}`,
        file: file.relPath,
        description: test.description,
        run: async () => (await loadRunner()).runUnifiedTest(parsed, test),
      }));
    },
  };
}

export const suites: SpecSuite[] = [
  unifiedSuite('unified/retryable-reads', 'retryable-reads/tests/unified'),
  unifiedSuite('unified/retryable-writes', 'retryable-writes/tests/unified'),
  unifiedSuite('unified/server-selection-logging', 'server-selection/tests/logging'),
  unifiedSuite('unified/cmap-logging', 'connection-monitoring-and-pooling/tests/logging'),
  unifiedSuite('unified/command-monitoring', 'command-logging-and-monitoring/tests/monitoring'),
  unifiedSuite('unified/command-logging', 'command-logging-and-monitoring/tests/logging'),
  unifiedSuite('unified/sdam', 'server-discovery-and-monitoring/tests/unified'),
  unifiedSuite('unified/load-balancers', 'load-balancers/tests'),
];
