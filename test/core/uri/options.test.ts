// Option parsing: typing, case-insensitive keys, warnings for values the spec says to ignore,
// repeated and deprecated keys.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { clean, rejects, warns } from './helpers.js';

const typing = suite('typing');

typing('keys are case-insensitive and values typed', () => {
  const cs = clean(
    'mongodb://h/?APPNAME=app%20one&connecttimeoutms=10&HeartbeatFrequencyMS=500&w=majority&wtimeoutms=0&journal=true&' +
      'compressors=zstd,snappy&zlibCompressionLevel=-1&readPreference=secondary&readPreferenceTags=dc:ny,rack:1&readPreferenceTags=&' +
      'maxStalenessSeconds=-1&serverMonitoringMode=poll&tls=true&tlsCAFile=%2Fca.pem&timeoutMS=0&proxyHost=p&proxyPort=1080',
  );
  assert.equal(cs.options, {
    appname: 'app one',
    connectTimeoutMS: 10,
    heartbeatFrequencyMS: 500,
    w: 'majority',
    wTimeoutMS: 0,
    journal: true,
    compressors: ['zstd', 'snappy'],
    zlibCompressionLevel: -1,
    readPreference: 'secondary',
    readPreferenceTags: [{ dc: 'ny', rack: '1' }, {}],
    maxStalenessSeconds: -1,
    serverMonitoringMode: 'poll',
    tls: true,
    tlsCAFile: '/ca.pem',
    timeoutMS: 0,
    proxyHost: 'p',
    proxyPort: 1080,
  });
});

typing('w is a number when it is an integer', () => {
  assert.is(clean('mongodb://h/?w=0').options.w, 0);
  assert.is(clean('mongodb://h/?w=3').options.w, 3);
  // read-write-concern tests: an invalid w is an error, not a warning.
  rejects('mongodb://h/?w=-1', 'option "w": "-1"', 'non-negative integer');
});

typing('key:value lists keep unencoded colons in values and decode each part', () => {
  const cs = clean('mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:api%3A%2F%2Fx:y:z');
  assert.equal(cs.options.authMechanismProperties, { ENVIRONMENT: 'azure', TOKEN_RESOURCE: 'api://x:y:z' });
  const comma = warns('mongodb://h/?readPreference=nearest&readPreferenceTags=k:a%2Cb', 'contains a ","');
  assert.equal(comma.options.readPreferenceTags, [{ k: 'a,b' }]);
});

// Issue 9: "__proto__" was refused as an unusable value and the whole tag set dropped with a
// warning, which left no tag restriction at all ("any server").
typing('key:value options keep __proto__ and constructor keys as ordinary data', () => {
  const cs = clean('mongodb://h/?readPreference=nearest&readPreferenceTags=__proto__:x,constructor:y&readPreferenceTags=dc:ny');
  const tags = cs.options.readPreferenceTags!;
  assert.is(tags.length, 2);
  assert.equal(Object.keys(tags[0]!), ['__proto__', 'constructor']);
  assert.ok(Object.hasOwn(tags[0]!, '__proto__') && tags[0]!['__proto__'] === 'x' && tags[0]!['constructor'] === 'y');
  assert.is(Object.getPrototypeOf(tags[0]), Object.prototype);
  warns('mongodb://h/?readPreference=nearest&readPreferenceTags=__proto__:x,__proto__:z', 'given more than once');
});

typing.run();

const warnings = suite('warnings');

warnings('unsupported keys and values are ignored with a warning naming them', () => {
  const cs = warns('mongodb://h/?fooBar=1&heartbeatFrequencyMS=499&retryWrites=yes&readPreference=Secondary', '"fooBar"', '"heartbeatFrequencyMS": "499"', '>= 500', '"retryWrites": "yes"', '"readPreference"');
  assert.equal(cs.options, {});
});

warnings('integers must be whole, in range and 32-bit', () => {
  warns('mongodb://h/?maxPoolSize=1.5', 'must be an integer');
  warns('mongodb://h/?maxPoolSize=2147483648', 'at most 2147483647');
  warns('mongodb://h/?zlibCompressionLevel=10', 'between -1 and 9');
  warns('mongodb://h/?proxyHost=p&proxyPort=65536', 'between 0 and 65535');
  assert.is(clean('mongodb://h/?wTimeoutMS=4294967296').options.wTimeoutMS, 4294967296);
  warns('mongodb://h/?maxStalenessSeconds=0&readPreference=nearest', '-1 (no maximum) or a positive integer');
  warns('mongodb://h/?maxPoolSize=%zz', 'invalid percent-encoding');
});

warnings('empty values are ignored, except where empty means something', () => {
  const cs = warns('mongodb://h/?maxIdleTimeMS=&appname=', '"maxIdleTimeMS" has an empty value', '"appname" has an empty value');
  assert.equal(cs.options, {});
  assert.equal(clean('mongodb://h/?readPreference=nearest&readPreferenceTags=').options.readPreferenceTags, [{}]);
  rejects('mongodb://h/?authSource=', 'option "authSource" must not be empty');
});

warnings('unknown compressors are dropped with a warning', () => {
  assert.equal(warns('mongodb://h/?compressors=zlib,lz4', '"lz4"').options.compressors, ['zlib']);
  assert.equal(warns('mongodb://h/?compressors=lz4', 'lists no known value').options, {});
});

warnings('odd key:value lists warn or are rejected as values', () => {
  warns('mongodb://h/?readPreference=nearest&readPreferenceTags=a:1,a:2', 'given more than once');
  warns('mongodb://h/?readPreference=nearest&readPreferenceTags=a', 'must be "key:value" pairs');
  warns('mongodb://h/?readPreference=nearest&readPreferenceTags=:x', 'no key');
  warns('mongodb://h/?readPreference=nearest&readPreferenceTags=a:%zz', 'invalid percent-encoding');
  warns('mongodb://h/?authMechanismProperties=', '"authMechanismProperties" has an empty value');
});

warnings('appname is limited to 128 bytes of UTF-8', () => {
  assert.is(clean(`mongodb://h/?appname=${'é'.repeat(64)}`).options.appname, 'é'.repeat(64));
  warns(`mongodb://h/?appname=${'é'.repeat(65)}`, 'at most 128 bytes');
});

warnings('srvServiceName must be an RFC 6335 service name', () => {
  for (const bad of ['-x', 'x-', 'a--b', '123', 'a_b', 'a'.repeat(63)]) warns(`mongodb+srv://h.example.com/?srvServiceName=${bad}`, 'RFC 6335');
  assert.is(clean('mongodb+srv://h.example.com/?srvServiceName=my-svc2').options.srvServiceName, 'my-svc2');
});

warnings('secret values are never quoted', () => {
  const cs = warns('mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN%3Dsecret', '"authMechanismProperties"');
  assert.not.ok(cs.warnings.join(' ').includes('secret'));
  // An empty SOCKS5 password is ignored (socks5.md), leaving the username without its partner.
  rejects('mongodb://h/?proxyHost=p&proxyUsername=u&proxyPassword=', '"proxyUsername" and "proxyPassword" must be given together');
});

warnings.run();

const repeats = suite('repeated and deprecated keys');

repeats('the last usable value wins, with a warning', () => {
  const cs = warns('mongodb://h/?replicaSet=a&replicaSet=b&maxPoolSize=1&maxPoolSize=x', '"replicaSet" is given 2 times', '"maxPoolSize": "x"');
  assert.equal(cs.options, { replicaSet: 'b', maxPoolSize: 1 });
});

repeats('readPreferenceTags accumulate in order', () => {
  const cs = clean('mongodb://h/?readPreference=nearest&readPreferenceTags=a:1&readPreferenceTags=b:2&READPREFERENCETAGS=');
  assert.equal(cs.options.readPreferenceTags, [{ a: '1' }, { b: '2' }, {}]);
});

repeats('SOCKS5 options may be given only once', () => {
  rejects('mongodb://h/?proxyHost=a&proxyhost=a', 'option "proxyHost" is given 2 times');
});

repeats('tls and ssl must agree and then do not warn', () => {
  assert.is(clean('mongodb://h/?ssl=true&tls=true&SSL=true').options.tls, true);
  rejects('mongodb://h/?tls=true&ssl=false', 'options "tls" and "ssl" are given with different values');
  rejects('mongodb://h/?tls=true&tls=false', 'option "tls" is given with different values');
});

repeats('deprecated aliases work alone and lose to their replacement', () => {
  assert.equal(warns('mongodb://h/?wtimeout=5', 'Deprecated key "wtimeout" has been replaced with "wTimeoutMS"').options, { wTimeoutMS: 5 });
  assert.equal(warns('mongodb://h/?j=true', '"j"').options, { journal: true });
  assert.equal(warns('mongodb://h/?wTimeoutMS=10&wtimeout=5', 'present and ignored').options, { wTimeoutMS: 10 });
  warns('mongodb://h/?wtimeout=x', 'alias of "wTimeoutMS"');
});

repeats('malformed pairs are errors naming the pair', () => {
  rejects('mongodb://h/?w', 'option "w" has no "="');
  rejects('mongodb://h/?=1', 'empty name');
  warns('mongodb://h/?%zz=1', 'Unsupported option "%zz"');
});

repeats.run();
