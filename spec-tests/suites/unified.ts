/**
 * The unified-format suites (unified-test-format.md), each test run on a fresh simulated
 * cluster by spec-tests/unified/runner.ts. One unit is one `tests` entry; a file that does
 * not parse is one failed unit naming the bad field.
 */
import { runUnifiedTest } from '../unified/runner.js';
import { parseUnifiedFile } from '../unified/schema.js';
import type { SpecCase, SpecFile, SpecSuite } from '../suite.js';

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
        run: () => runUnifiedTest(parsed, test),
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
];
