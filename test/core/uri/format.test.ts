// formatConnectionString and the address helpers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatConnectionString, hostAddressString, formatHostIdentifier, parseConnectionString, defaultPort } from '../../../core/uri/index.js';
import { MongoInvalidArgumentError } from '../../../core/errors.js';
import type { ConnectionString } from '../../../core/uri/types.js';
import { throwingProxy } from '../../support/hostile.js';

test('formats canonically: encoded credentials, canonical keys, explicit srv tls', () => {
  const cs = parseConnectionString('mongodb+srv://a%40b:p%2Fw@Host.Example.com/my%3Fdb?RETRYWRITES=false&readPreference=nearest&readPreferenceTags=a:1,b:2&readPreferenceTags=');
  assert.is(
    formatConnectionString(cs),
    'mongodb+srv://a%40b:<redacted>@host.example.com/my%3Fdb?retryWrites=false&readPreference=nearest&readPreferenceTags=a:1,b:2&readPreferenceTags=&tls=true',
  );
  assert.is(
    formatConnectionString(cs, { redact: false }),
    'mongodb+srv://a%40b:p%2Fw@host.example.com/my%3Fdb?retryWrites=false&readPreference=nearest&readPreferenceTags=a:1,b:2&readPreferenceTags=&tls=true',
  );
});

test('formats hosts of every type and adds "/" before options only when needed', () => {
  const cs = parseConnectionString('mongodb://1.2.3.4:5,[::1],%2Ftmp%2Fa%20b.sock,h?w=1');
  assert.is(formatConnectionString(cs), 'mongodb://1.2.3.4:5,[::1],%2Ftmp%2Fa%20b.sock,h/?w=1');
  assert.is(formatConnectionString(parseConnectionString('mongodb://h')), 'mongodb://h');
  assert.is(formatConnectionString(parseConnectionString('mongodb://[fe80::1%25eth0]')), 'mongodb://[fe80::1%25eth0]');
  assert.is(formatConnectionString(parseConnectionString('mongodb://u@h/?compressors=zlib,snappy')), 'mongodb://u@h/?compressors=zlib,snappy');
});

test('refuses options it cannot write', () => {
  const base: ConnectionString = { scheme: 'mongodb', hosts: [{ type: 'hostname', host: 'h', port: null }], auth: null, database: null, options: {}, warnings: [] };
  assert.throws(() => formatConnectionString({ ...base, options: { madeUp: 1 } }), (e: unknown) => e instanceof MongoInvalidArgumentError && /madeUp/.test((e as Error).message));
  assert.throws(() => formatConnectionString({ ...base, options: { readPreferenceTags: 'x' as never } }), (e: unknown) => e instanceof MongoInvalidArgumentError);
  assert.throws(() => formatConnectionString({ ...base, options: { maxPoolSize: Number.NaN } }), (e: unknown) => e instanceof MongoInvalidArgumentError);
  assert.throws(() => formatConnectionString({ ...base, options: { appname: null as never } }), (e: unknown) => e instanceof MongoInvalidArgumentError);
  assert.is(formatConnectionString({ ...base, options: { appname: undefined } }), 'mongodb://h');
});

test('hostAddressString fills in the default port and lower-cases', () => {
  assert.is(defaultPort, 27017);
  assert.is(hostAddressString({ type: 'hostname', host: 'A.Example.com', port: null }), 'a.example.com:27017');
  assert.is(hostAddressString({ type: 'ipv4', host: '10.0.0.1', port: 1 }), '10.0.0.1:1');
  assert.is(hostAddressString({ type: 'ip_literal', host: 'FE80::1', port: null }), '[fe80::1]:27017');
  assert.is(hostAddressString({ type: 'unix', host: '/tmp/Mongo.sock', port: null }), '/tmp/Mongo.sock');
  const [h] = parseConnectionString('mongodb://[::1]').hosts;
  assert.is(hostAddressString(h!), '[::1]:27017');
  assert.is(formatHostIdentifier({ type: 'hostname', host: 'h', port: 2 }), 'h:2');
});

// Issue 9: the formatted text is what gets displayed and logged, so by default it carries no
// password and no secret option value; `{ redact: false }` gives the exact, re-parsable text.
test('formats redacted by default: no password, no secret option value; redact: false keeps them', () => {
  const uri =
    'mongodb://alice:s%40cret-pw@h/admin?proxyHost=p&proxyUsername=pu&proxyPassword=proxy-pw&authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:aws-token&tlsCertificateKeyFilePassword=key-pw&appname=app';
  const cs = parseConnectionString(uri);
  const shown = formatConnectionString(cs);
  for (const secret of ['cret-pw', 'proxy-pw', 'aws-token', 'key-pw', 's%40cret']) assert.not.ok(shown.includes(secret), `${secret} in ${shown}`);
  assert.ok(shown.startsWith('mongodb://alice:<redacted>@h/admin?'), shown);
  assert.ok(shown.includes('proxyHost=p') && shown.includes('appname=app') && shown.includes('proxyPassword=<redacted>'), shown);
  assert.is(formatConnectionString(cs, { redact: true }), shown);
  const exact = formatConnectionString(cs, { redact: false });
  assert.ok(exact.includes('alice:s%40cret-pw@') && exact.includes('proxyPassword=proxy-pw') && exact.includes('AWS_SESSION_TOKEN:aws-token'), exact);
  assert.equal(parseConnectionString(exact).auth, cs.auth);
  assert.is(formatConnectionString(parseConnectionString('mongodb://bob@h')), 'mongodb://bob@h', 'a username alone is not a secret');
  assert.throws(() => formatConnectionString(cs, { redact: 'no' } as never), (e: unknown) => e instanceof MongoInvalidArgumentError && /redact/.test((e as Error).message));
});

// Issue 9: a hand-built ConnectionString of the wrong shape escaped as a TypeError.
test('a ConnectionString of the wrong shape is a MongoInvalidArgumentError naming the part', () => {
  const base: ConnectionString = { scheme: 'mongodb', hosts: [{ type: 'hostname', host: 'h', port: null }], auth: null, database: null, options: {}, warnings: [] };
  const cases: Array<[unknown, RegExp]> = [
    [null, /connection string/],
    [throwingProxy(), /could not be read/],
    [{ ...base, scheme: 'http' }, /scheme/],
    [{ ...base, hosts: 'h' }, /hosts/],
    [{ ...base, hosts: [null] }, /hosts\[0\]/],
    [{ ...base, hosts: [{ type: 'hostname', host: 'h', port: -1 }] }, /hosts\[0\]/],
    [{ ...base, hosts: [{ type: 'planet', host: 'h', port: null }] }, /hosts\[0\]/],
    [{ ...base, auth: 'alice' }, /auth/],
    [{ ...base, auth: { username: 1, password: null, db: null } }, /auth/],
    [{ ...base, database: 7 }, /database/],
    [{ ...base, options: null }, /options/],
    [{ ...base, options: throwingProxy() }, /could not be read/],
    [{ ...base, options: { readPreferenceTags: [throwingProxy()] } }, /could not be read/],
  ];
  for (const [cs, part] of cases) {
    assert.throws(() => formatConnectionString(cs as ConnectionString), (e: unknown) => e instanceof MongoInvalidArgumentError && part.test((e as Error).message), String(part));
  }
});

test.run();
