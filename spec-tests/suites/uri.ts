/**
 * Runners for the `connection-string` and `uri-options` suites. Both use the format of
 * connection-string/tests/README.md: each entry of a file's `tests` array is one unit. A
 * top-level `hosts`, `auth`, `options` or `warning` of null means "don't check"; `options`
 * lists only the options to check, with keys in any case.
 */
import { parseConnectionString } from '../../core/uri/parse.js';
import type { ConnectionString } from '../../core/uri/types.js';
import { MongoParseError } from '../../core/errors.js';
import { assertMatches, show, SpecMismatch } from '../assert.js';
import type { SpecCase, SpecFile, SpecSuite } from '../suite.js';

interface UriTest {
  readonly description: string;
  readonly uri: string;
  readonly valid: boolean;
  readonly warning: boolean | null;
  readonly hosts: readonly Record<string, unknown>[] | null;
  readonly auth: Record<string, unknown> | null;
  readonly options: Record<string, unknown> | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one test entry's shape so a malformed file fails loudly instead of passing vacuously. */
function readTest(entry: unknown, index: number, relPath: string): UriTest {
  const where = `${relPath}: tests[${index}]`;
  if (!isRecord(entry)) throw new Error(`${where} is not an object`);
  const { description, uri, valid } = entry;
  if (typeof description !== 'string') throw new Error(`${where} has no string "description"`);
  if (typeof uri !== 'string') throw new Error(`${where} has no string "uri"`);
  if (typeof valid !== 'boolean') throw new Error(`${where} has no boolean "valid"`);
  const warning = entry['warning'] ?? null;
  if (warning !== null && typeof warning !== 'boolean') throw new Error(`${where} has a non-boolean "warning"`);
  const hosts = entry['hosts'] ?? null;
  if (hosts !== null && !(Array.isArray(hosts) && hosts.every(isRecord))) throw new Error(`${where} has malformed "hosts"`);
  const auth = entry['auth'] ?? null;
  if (auth !== null && !isRecord(auth)) throw new Error(`${where} has malformed "auth"`);
  const options = entry['options'] ?? null;
  if (options !== null && !isRecord(options)) throw new Error(`${where} has malformed "options"`);
  return { description, uri, valid, warning, hosts: hosts as UriTest['hosts'], auth, options };
}

export function runUriTest(test: UriTest): void {
  let parsed: ConnectionString | undefined;
  let error: unknown;
  try {
    parsed = parseConnectionString(test.uri);
  } catch (e) {
    error = e;
  }
  if (!test.valid) {
    if (error === undefined) throw new SpecMismatch('valid', false, true, `parsed without error: ${show(parsed)}`);
    if (!(error instanceof MongoParseError)) throw new SpecMismatch('error', 'MongoParseError', describeError(error));
    return;
  }
  if (error !== undefined || parsed === undefined) throw new SpecMismatch('valid', true, false, `threw ${describeError(error)}`);
  if (test.warning !== null) {
    const warned = parsed.warnings.length > 0;
    if (warned !== test.warning) throw new SpecMismatch('warning', test.warning, warned, `warnings: ${show(parsed.warnings)}`);
  }
  if (test.hosts !== null) {
    // `type` is optional in the test format; everything given (including a null port) is compared.
    const actual = parsed.hosts.map((h, i) => ('type' in (test.hosts![i] ?? {}) ? { ...h } : { host: h.host, port: h.port }));
    assertMatches(actual, test.hosts, 'hosts');
  }
  if (test.auth !== null) assertMatches(parsed.auth, test.auth, 'auth');
  if (test.options !== null) compareOptions(parsed.options, test.options);
}

/** Expected keys are matched case-insensitively (the tests mix "authmechanism" and "authMechanism"). */
function compareOptions(actual: Readonly<Record<string, unknown>>, expected: Readonly<Record<string, unknown>>): void {
  const byLower = new Map(Object.keys(actual).map((k) => [k.toLowerCase(), k]));
  for (const [key, value] of Object.entries(expected)) {
    const actualKey = byLower.get(key.toLowerCase());
    if (actualKey === undefined) throw new SpecMismatch(`options.${key}`, value, undefined, `parsed options: ${show(actual)}`);
    assertMatches(actual[actualKey], value, `options.${key}`);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function uriSuite(name: string, dir: string): SpecSuite {
  return {
    name,
    dir,
    recursive: false,
    cases(file: SpecFile): SpecCase[] {
      const json = file.json;
      if (!isRecord(json) || !Array.isArray(json['tests'])) throw new Error(`${file.relPath} has no "tests" array`);
      const tests = json['tests'].map((entry, i) => readTest(entry, i, file.relPath));
      const seen = new Set<string>();
      return tests.map((test) => {
        const id = `${file.relPath}: ${test.description}`;
        if (seen.has(id)) throw new Error(`${file.relPath} has two tests described "${test.description}"`);
        seen.add(id);
        return { id, file: file.relPath, description: test.description, run: () => runUriTest(test) };
      });
    },
  };
}

export const suites: SpecSuite[] = [
  uriSuite('connection-string', 'connection-string/tests'),
  uriSuite('uri-options', 'uri-options/tests'),
];
