import * as assert from 'uvu/assert';
import { parseConnectionString } from '../../../core/uri/parse.js';
import { MongoParseError } from '../../../core/errors.js';
import type { ConnectionString } from '../../../core/uri/types.js';

/** Parses `uri`, expecting a MongoParseError whose message contains every fragment. */
export function rejects(uri: string, ...fragments: string[]): string {
  let error: unknown;
  try {
    parseConnectionString(uri);
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `expected ${uri} to be rejected`);
  assert.instance(error, MongoParseError);
  const message = (error as Error).message;
  for (const f of fragments) assert.ok(message.includes(f), `message ${JSON.stringify(message)} should contain ${JSON.stringify(f)}`);
  return message;
}

/** Parses `uri`, expecting warnings, each fragment found in some warning. */
export function warns(uri: string, ...fragments: string[]): ConnectionString {
  const cs = parseConnectionString(uri);
  assert.ok(cs.warnings.length > 0, `expected warnings for ${uri}`);
  for (const f of fragments) {
    assert.ok(cs.warnings.some((w) => w.includes(f)), `warnings ${JSON.stringify(cs.warnings)} should mention ${JSON.stringify(f)}`);
  }
  return cs;
}

/** Parses `uri`, expecting no warnings. */
export function clean(uri: string): ConnectionString {
  const cs = parseConnectionString(uri);
  assert.equal(cs.warnings, [], `unexpected warnings for ${uri}`);
  return cs;
}
