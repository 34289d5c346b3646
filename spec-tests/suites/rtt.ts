/**
 * Runner for server-selection/tests/rtt (server-selection-tests README, "RTT Calculation
 * Tests"): each file gives a previous average (or "NULL" for none) and a new sample; the new
 * average must equal `new_avg_rtt`. One file is one unit.
 */
import { updateAverageRtt } from '../../core/monitor/rtt.js';
import { assertMatches } from '../assert.js';
import type { SpecCase, SpecFile, SpecSuite } from '../suite.js';

interface RttCaseData {
  readonly previousAverageMS: number | null;
  readonly sampleMS: number;
  readonly expectedAverageMS: number;
}

function numberField(file: SpecFile, json: Record<string, unknown>, key: string): number {
  const value = json[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${file.relPath}: '${key}' must be a number, got ${JSON.stringify(value)}`);
  return value;
}

/** The README's format: `avg_rtt_ms` (number or "NULL"), `new_rtt_ms`, `new_avg_rtt`. */
function parseRttFile(file: SpecFile): RttCaseData {
  const json = file.json;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${file.relPath}: expected an object with avg_rtt_ms, new_rtt_ms, new_avg_rtt`);
  const doc = json as Record<string, unknown>;
  const previousAverageMS = doc['avg_rtt_ms'] === 'NULL' ? null : numberField(file, doc, 'avg_rtt_ms');
  return { previousAverageMS, sampleMS: numberField(file, doc, 'new_rtt_ms'), expectedAverageMS: numberField(file, doc, 'new_avg_rtt') };
}

export const suites: SpecSuite[] = [
  {
    name: 'server-selection/rtt',
    dir: 'server-selection/tests/rtt',
    recursive: false,
    cases(file: SpecFile): SpecCase[] {
      const data = parseRttFile(file);
      return [
        {
          id: file.relPath,
          file: file.relPath,
          description: file.relPath.replace(/\.json$/, ''),
          run(): void {
            assertMatches(updateAverageRtt(data.previousAverageMS, data.sampleMS), data.expectedAverageMS, 'new_avg_rtt');
          },
        },
      ];
    },
  },
];
