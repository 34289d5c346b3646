/**
 * fast-check generators of valid connection strings, written deliberately *un*-canonically
 * (mixed-case keys and host names, optional slashes, needless percent-escapes) so a round trip
 * through formatConnectionString has something to normalise.
 */
import fc from 'fast-check';

const lowerAlnum = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Randomly upper-cases ASCII letters: keys and host names are case-insensitive. */
export function mixCase(text: string): fc.Arbitrary<string> {
  return fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((flips) =>
    [...text].map((c, i) => (flips[i] ? c.toUpperCase() : c)).join(''),
  );
}

/** Percent-encodes what must be encoded, and sometimes (harmlessly) a plain letter too. */
export function encodeLoosely(text: string): fc.Arbitrary<string> {
  return fc.boolean().map((extra) => {
    const encoded = encodeURIComponent(text);
    return extra ? encoded.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : encoded;
  });
}

const label = fc.string({ unit: fc.constantFrom(...lowerAlnum), minLength: 1, maxLength: 10 });
export const hostname = fc
  .array(label, { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('.'))
  .filter((h) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(h))
  .chain(mixCase);
const octet = fc.integer({ min: 0, max: 255 });
export const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const group = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
export const ipv6 = fc.oneof(
  fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => g.join(':')),
  fc.tuple(fc.array(group, { maxLength: 3 }), fc.array(group, { maxLength: 3 })).map(([a, b]) => `${a.join(':')}::${b.join(':')}`),
);
const pathPart = fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_.é€'), minLength: 1, maxLength: 8 });
export const socketPath = fc
  .tuple(fc.boolean(), fc.array(pathPart, { minLength: 1, maxLength: 3 }), label)
  .map(([absolute, dirs, file]) => `${absolute ? '/' : ''}${dirs.join('/')}/${file}.sock`);
export const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null });

export const hostIdentifier: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(hostname, port).map(([h, p]) => (p === null ? h : `${h}:${p}`)),
  fc.tuple(ipv4, port).map(([h, p]) => (p === null ? h : `${h}:${p}`)),
  fc.tuple(ipv6.chain(mixCase), port).map(([h, p]) => (p === null ? `[${h}]` : `[${h}]:${p}`)),
  socketPath.chain(encodeLoosely),
);

/** Any text, including characters that need percent-encoding (no lone surrogates). */
export const anyText = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.oneof(fc.constantFrom(...':/@?#%&=,+[] "\\$;.!~*\'()'), fc.constantFrom(...'aZ9é中😀')), minLength, maxLength });

const databaseName = fc
  .string({ unit: fc.constantFrom(...'abcXYZ09-_.é?#%&=:@,'), minLength: 1, maxLength: 12 })
  .chain(encodeLoosely);

/** One option as raw `key=value` text; keys get random case. */
type OptionGen = fc.Arbitrary<[string, string]>;
const opt = (key: string, value: fc.Arbitrary<string>): OptionGen => fc.tuple(mixCase(key), value);
const int = (min: number, max: number): fc.Arbitrary<string> => fc.integer({ min, max }).map(String);
const bool = fc.boolean().map(String);
const safeString = anyText(1, 12).chain(encodeLoosely);

const commonOptions: OptionGen[] = [
  opt('appName', fc.string({ unit: fc.constantFrom(...'abc XYZ-_.é&='), minLength: 1, maxLength: 20 }).chain(encodeLoosely)),
  opt('connectTimeoutMS', int(0, 100000)),
  opt('heartbeatFrequencyMS', int(500, 100000)),
  opt('localThresholdMS', int(0, 1000)),
  opt('maxPoolSize', int(0, 1000)),
  opt('minPoolSize', int(0, 10)),
  opt('maxIdleTimeMS', int(0, 100000)),
  opt('maxConnecting', int(1, 10)),
  opt('retryReads', bool),
  opt('retryWrites', bool),
  opt('compressors', fc.subarray(['snappy', 'zlib', 'zstd'], { minLength: 1 }).map((l) => l.join(','))),
  opt('zlibCompressionLevel', int(-1, 9)),
  // w=0 is left out: with journal=true it is (rightly) rejected.
  opt('w', fc.oneof(int(1, 50), fc.constant('majority'))),
  opt('wTimeoutMS', int(0, 100000)),
  opt('journal', bool),
  opt('readConcernLevel', fc.constantFrom('local', 'majority', 'linearizable', 'available', 'snapshot')),
  opt('tlsCAFile', safeString),
  opt('tlsAllowInvalidHostnames', bool),
  opt('serverMonitoringMode', fc.constantFrom('auto', 'poll', 'stream')),
  opt('serverSelectionTimeoutMS', int(1, 100000)),
  opt('socketTimeoutMS', int(0, 100000)),
  opt('timeoutMS', int(0, 100000)),
  opt('maxAdaptiveRetries', int(0, 10)),
  opt('enableOverloadRetargeting', bool),
  opt('tlsCertificateKeyFile', safeString),
];

// Tag keys are unique within a set and values avoid ",": both would (rightly) draw a warning.
const tagSet = fc
  .uniqueArray(fc.tuple(fc.string({ unit: fc.constantFrom(...'abcXY09'), minLength: 1, maxLength: 4 }), anyText(0, 6).map((v) => v.replace(/,/g, ''))), {
    maxLength: 3,
    selector: ([k]) => k,
  })
  .map((pairs) => pairs.map(([k, v]) => `${k}:${encodeURIComponent(v)}`).join(','));

/** readPreference with the tag sets and staleness a non-primary mode allows. */
const readPreferenceOptions: fc.Arbitrary<Array<[string, string]>> = fc
  .tuple(
    fc.constantFrom('primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'),
    fc.array(tagSet, { maxLength: 3 }),
    fc.option(fc.oneof(fc.constant(-1), fc.integer({ min: 90, max: 10000 }))),
  )
  .map(([mode, tags, staleness]) => [
    ['readPreference', mode] as [string, string],
    ...tags.map((t) => ['readPreferenceTags', t] as [string, string]),
    ...(staleness === null ? [] : [['maxStalenessSeconds', String(staleness)] as [string, string]]),
  ]);

export const validConnectionString: fc.Arbitrary<string> = fc
  .record({
    srv: fc.boolean(),
    hosts: fc.array(hostIdentifier, { minLength: 1, maxLength: 4 }),
    srvHost: hostname,
    user: fc.option(fc.tuple(anyText(1, 12).chain(encodeLoosely), fc.option(anyText(0, 12).chain(encodeLoosely)))),
    database: fc.option(databaseName),
    options: fc.subarray(commonOptions, { maxLength: 8 }).chain((gens): fc.Arbitrary<Array<[string, string]>> => (gens.length === 0 ? fc.constant([]) : fc.tuple(...gens))),
    readPreference: fc.option(readPreferenceOptions),
    replicaSet: fc.option(safeString),
    srvOptions: fc.option(fc.tuple(fc.constantFrom('mongodb', 'customname', 'my-svc'), fc.integer({ min: 0, max: 10 }))),
    tls: fc.option(fc.constantFrom('tls=true', 'tls=false', 'ssl=true', 'tls=true&ssl=true')),
    slash: fc.boolean(),
  })
  .map((r) => {
    const pairs: Array<[string, string]> = [...(r.options as Array<[string, string]>), ...(r.readPreference ?? [])];
    if (r.replicaSet !== null) pairs.push(['replicaSet', r.replicaSet]);
    if (r.srv && r.srvOptions !== null) {
      pairs.push(['srvServiceName', r.srvOptions[0]]);
      // srvMaxHosts > 0 excludes replicaSet (initial-dns-seedlist-discovery.md "URI Validation").
      pairs.push(['srvMaxHosts', String(r.replicaSet === null ? r.srvOptions[1] : 0)]);
    }
    let query = pairs.map(([k, v]) => `${k}=${v}`).join('&');
    if (r.tls !== null) query = query ? `${query}&${r.tls}` : r.tls;
    const userinfo = r.user === null ? '' : `${r.user[0]}${r.user[1] === null ? '' : `:${r.user[1]}`}@`;
    const hosts = r.srv ? r.srvHost : r.hosts.join(',');
    const path = r.database !== null ? `/${r.database}` : r.slash ? '/' : '';
    return `${r.srv ? 'mongodb+srv' : 'mongodb'}://${userinfo}${hosts}${path}${query ? `?${query}` : ''}`;
  });
