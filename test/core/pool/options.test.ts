// Pool option validation and defaults (CMAP "Connection Pool Options").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoInvalidArgumentError } from '../../../core/errors.js';
import { createPool, resolvePoolOptions } from '../../../core/pool/index.js';

test('defaults are the spec defaults; only user-set options are reported as specified', () => {
  assert.equal(resolvePoolOptions(), {
    maxPoolSize: 100,
    minPoolSize: 0,
    maxIdleTimeMS: 0,
    waitQueueTimeoutMS: 0,
    maxConnecting: 2,
    loadBalanced: false,
    specified: {},
  });
  const o = resolvePoolOptions({ maxPoolSize: 0, minPoolSize: 500, maxIdleTimeMS: 1.5, loadBalanced: true });
  assert.equal(o.specified, { maxPoolSize: 0, minPoolSize: 500, maxIdleTimeMS: 1.5 });
  assert.is(o.loadBalanced, true);
});

const bad: Array<[string, unknown, RegExp]> = [
  ['maxPoolSize', -1, /'maxPoolSize' must be an integer >= 0, got -1/],
  ['maxPoolSize', 1.5, /'maxPoolSize'.*got 1.5/],
  ['minPoolSize', '3', /'minPoolSize'.*got "3"/],
  ['maxConnecting', 0, /'maxConnecting' must be an integer >= 1, got 0/],
  ['maxIdleTimeMS', -5, /'maxIdleTimeMS'.*got -5/],
  ['waitQueueTimeoutMS', Number.POSITIVE_INFINITY, /'waitQueueTimeoutMS'.*got Infinity/],
  ['waitQueueTimeoutMS', { x: 1 }, /'waitQueueTimeoutMS'.*got object/],
  ['loadBalanced', 'yes', /'loadBalanced' must be a boolean/],
  ['waitQueueSize', 5, /Unknown connection pool option 'waitQueueSize'/],
];

for (const [name, value, message] of bad) {
  test(`rejects ${name}=${JSON.stringify(value) ?? String(value)} naming the option`, () => {
    assert.throws(
      () => resolvePoolOptions({ [name]: value } as never),
      (e: unknown) => e instanceof MongoInvalidArgumentError && message.test((e as Error).message),
    );
  });
}

test('minPoolSize may not exceed a non-zero maxPoolSize', () => {
  assert.throws(
    () => createPool({ address: 'h:1', minPoolSize: 5, maxPoolSize: 4 }, 0),
    (e: unknown) => e instanceof MongoInvalidArgumentError && /'minPoolSize' \(5\) must not exceed 'maxPoolSize' \(4\)/.test((e as Error).message),
  );
  assert.is(resolvePoolOptions({ minPoolSize: 5, maxPoolSize: 0 }).minPoolSize, 5);
});

test('options that are not an object are rejected', () => {
  assert.throws(() => resolvePoolOptions(null as never), (e: unknown) => e instanceof MongoInvalidArgumentError && /must be an object/.test((e as Error).message));
});

test.run();
