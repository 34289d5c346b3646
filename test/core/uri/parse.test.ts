// Focused tests of parseConnectionString: structure, hosts, credentials, database, and error
// messages that name the bad part.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseConnectionString } from '../../../core/uri/parse.js';
import { MongoParseError } from '../../../core/errors.js';
import { clean, rejects } from './helpers.js';

const structure = suite('structure');

structure('splits userinfo, hosts, database and options', () => {
  const cs = clean('mongodb://u%40x:p%3Aw@Example.COM:27018,[::1]/my.db?replicaSet=rs0');
  assert.is(cs.scheme, 'mongodb');
  assert.equal(cs.hosts, [
    { type: 'hostname', host: 'example.com', port: 27018 },
    { type: 'ip_literal', host: '::1', port: null },
  ]);
  assert.equal(cs.auth, { username: 'u@x', password: 'p:w', db: 'my.db' });
  assert.is(cs.database, 'my.db');
  assert.equal(cs.options, { replicaSet: 'rs0' });
});

structure('auth is null without userinfo or database, and carries the database alone', () => {
  assert.is(clean('mongodb://h').auth, null);
  assert.equal(clean('mongodb://h/admin').auth, { username: null, password: null, db: 'admin' });
  assert.equal(clean('mongodb://alice@h').auth, { username: 'alice', password: null, db: null });
  assert.equal(clean('mongodb://alice:@h').auth, { username: 'alice', password: '', db: null });
});

structure('options may follow the hosts without a slash, and empty pairs are skipped', () => {
  assert.equal(clean('mongodb://h?retryWrites=false').options, { retryWrites: false });
  assert.equal(clean('mongodb://h/?&retryReads=true&&').options, { retryReads: true });
  assert.equal(clean('mongodb://h/').options, {});
  assert.is(clean('mongodb://h/?').database, null);
});

structure('an "@" in an option value is not userinfo', () => {
  const cs = clean('mongodb://h/?appname=me@there');
  assert.is(cs.auth, null);
  assert.is(cs.options.appname, 'me@there');
});

structure('rejects non-strings, empty strings, bad schemes and lone surrogates', () => {
  let error: unknown;
  try {
    parseConnectionString(42 as unknown as string);
  } catch (e) {
    error = e;
  }
  assert.instance(error, MongoParseError);
  assert.match((error as Error).message, 'must be a string, got number');
  rejects('', 'empty');
  rejects('mongo://h', 'must begin with "mongodb://"', 'got scheme "mongo"');
  rejects('http:/h', 'must begin with');
  rejects('mongodb://h/?appname=\uD800', 'lone surrogate');
});

structure('a scheme that is not scheme-like is not quoted (it could be a credential)', () => {
  const message = rejects('user:secret@host', 'must begin with');
  assert.not.match(message, 'secret');
});

structure.run();

const hosts = suite('hosts');

hosts('classifies IPv4, IP literals, host names and sockets; lower-cases all but sockets', () => {
  const cs = clean('mongodb://10.0.0.1,[FE80::1%25eth0]:5,Bücher.Example.com,256.1.1.1,%2Ftmp%2FMy.sock,rel%2Fx.sock');
  assert.equal(cs.hosts, [
    { type: 'ipv4', host: '10.0.0.1', port: null },
    { type: 'ip_literal', host: 'fe80::1%eth0', port: 5 },
    { type: 'hostname', host: 'bücher.example.com', port: null },
    { type: 'hostname', host: '256.1.1.1', port: null },
    { type: 'unix', host: '/tmp/My.sock', port: null },
    { type: 'unix', host: 'rel/x.sock', port: null },
  ]);
});

hosts('names the bad host in the message', () => {
  rejects('mongodb://good,bad:0', 'host "bad:0"', 'port 0');
  rejects('mongodb://good,bad:x1', 'host "bad:x1"', 'invalid port');
  rejects('mongodb://a::1', 'host "a::1"', 'enclosed in "[ ]"');
  rejects('mongodb://a,,b', 'host "" is empty');
  rejects('mongodb://a,', 'is empty');
  rejects('mongodb://:27017', 'empty host name');
  rejects('mongodb://[::1', 'without a closing "]"');
  rejects('mongodb://[::1]x', 'not a ":port"');
  rejects('mongodb://[::1]:99999', 'outside 1-65535');
  rejects('mongodb://[not-ipv6]', 'not a valid IPv6 literal');
  rejects('mongodb://[1.2.3.4]', 'not a valid IPv6 literal');
  rejects('mongodb://[fe80::1%25a b]', 'zone id');
  rejects('mongodb://bad_host!', 'host "bad_host!"', 'not allowed in a host name');
  rejects('mongodb://h%zz', 'invalid percent-encoding');
  rejects(`mongodb://${'a'.repeat(254)}`, 'longer than 253');
});

hosts('socket paths must end in .sock, have no port, and be percent-encoded', () => {
  rejects('mongodb://%2Ftmp%2Fmongodb', 'does not end in ".sock"');
  rejects('mongodb://%2Ftmp%2Fm.sock:27017', 'cannot have a port');
  rejects('mongodb:///tmp/mongodb-27017.sock', 'must be percent-encoded');
  rejects(`mongodb://%2F${'a'.repeat(1100)}.sock`, 'longer than 1024');
  rejects('mongodb://%2Fa%00.sock', 'NUL');
});

hosts('a host before an unescaped "@" is not quoted', () => {
  const message = rejects('mongodb://user:pa/ss@host', 'host at character 10', 'not shown');
  assert.not.match(message, 'pa');
});

hosts.run();

const userinfo = suite('userinfo');

userinfo('decodes percent-escapes and keeps sub-delimiters', () => {
  assert.equal(clean("mongodb://a!$&'()*+,;=:b%2F%3F%23%5B%5D@h").auth, { username: "a!$&'()*+,;=", password: 'b/?#[]', db: null });
});

userinfo('rejects ambiguous or unencoded userinfo without quoting it', () => {
  for (const [uri, fragment] of [
    ['mongodb://a:b:c@h', 'more than one unescaped ":"'],
    ['mongodb://a@b@h', 'unescaped "@"'],
    ['mongodb://a%zz:b@h', 'username has a "%"'],
    ['mongodb://a:b%z@h', 'password has a "%"'],
    ['mongodb://a b:c@h', 'username contains a character that must be percent-encoded'],
    ['mongodb://a:b"c@h', 'password contains a character'],
    ['mongodb://@h', 'username is empty'],
    ['mongodb://:pw@h', 'username is empty'],
    ['mongodb://a:%FF@h', 'the password has percent-escapes that do not decode to UTF-8'],
  ] as const) {
    const message = rejects(uri, fragment);
    const info = uri.slice(10, uri.lastIndexOf('@'));
    if (info.length > 0) assert.not.match(message, info, 'userinfo is not quoted');
  }
});

userinfo.run();

const database = suite('database');

database('decodes the name and allows dots', () => {
  assert.is(clean('mongodb://h/db.coll.sub').database, 'db.coll.sub');
  assert.is(clean('mongodb://h/admin%3F?w=1').database, 'admin?');
});

database('names the prohibited character and the database', () => {
  rejects('mongodb://h/a$b', 'database name "a$b"', 'prohibited character "$"');
  rejects('mongodb://h/a%20b', 'prohibited character " "');
  rejects('mongodb://h/a%2Fb', 'prohibited character "/"');
  rejects('mongodb://h/a\\b', 'prohibited character "\\\\"');
  rejects('mongodb://h/a%zz', 'database name "a%zz" has invalid percent-encoding');
  rejects('mongodb://h/x/y.sock', 'UNIX domain socket paths');
  rejects('mongodb://alice/@h/db', 'user name or password containing "/"', 'not shown');
});

database.run();
