// Property tests of the connection-string parser: round trips, robustness on arbitrary input,
// and that a password never leaks into an error or warning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { parseConnectionString } from '../../../core/uri/parse.js';
import { formatConnectionString } from '../../../core/uri/format.js';
import { percentEncode } from '../../../core/uri/percent.js';
import { MongoParseError } from '../../../core/errors.js';
import type { ConnectionString } from '../../../core/uri/types.js';
import { anyText, encodeLoosely, validConnectionString } from './arbitraries.js';

/** A parse that takes longer than this on a string of at most 4 KB counts as a hang. */
const maxParseMs = 250;
const maxInputChars = 4096;

function comparable(cs: ConnectionString): unknown {
  return { scheme: cs.scheme, hosts: cs.hosts, auth: cs.auth, database: cs.database, options: cs.options };
}

test('generated valid connection strings parse without warnings and round-trip through format', () => {
  fc.assert(
    fc.property(validConnectionString, (uri) => {
      const first = parseConnectionString(uri);
      assert.equal(first.warnings, [], `warnings for ${uri}`);
      const text = formatConnectionString(first, { redact: false });
      const second = parseConnectionString(text);
      assert.equal(second.warnings, [], `warnings for formatted ${text}`);
      assert.equal(comparable(second), comparable(first), `round trip of ${uri} via ${text}`);
      // Formatting is canonical: a second round gives the same text.
      assert.is(formatConnectionString(second, { redact: false }), text);
      // The display form never shows the password.
      if (first.auth?.password != null) {
        const shown = formatConnectionString(first);
        assert.ok(shown.startsWith(`${first.scheme}://${percentEncode(first.auth.username ?? '')}:<redacted>@`), shown);
      }
    }),
    { numRuns: 400 },
  );
});

/** Characters that steer the parser into its branches. */
const structural = fc.constantFrom(...':/@?#%&=,[]+.;$ \\"', '%2F', '%25', '%3A', '%40', '%zz', '%C3', '%FF', '\uD800', '::', '.sock', '=true', '=-1', '=', '&', '@', 'mongodb://', 'mongodb+srv://');

/** A valid URI with up to 6 random edits: insertions of structural text, deletions, duplications. */
const mutatedUri = fc
  .tuple(
    validConnectionString,
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.constantFrom('insert', 'delete', 'duplicate', 'replace'), structural), { minLength: 1, maxLength: 6 }),
  )
  .map(([uri, edits]) => {
    let text = uri;
    for (const [pos, len, kind, piece] of edits) {
      const at = text.length === 0 ? 0 : pos % (text.length + 1);
      if (kind === 'insert') text = text.slice(0, at) + piece + text.slice(at);
      else if (kind === 'delete') text = text.slice(0, at) + text.slice(at + len);
      else if (kind === 'duplicate') text = text.slice(0, at + len) + text.slice(at, at + len) + text.slice(at + len);
      else text = text.slice(0, at) + piece + text.slice(at + piece.length);
    }
    return text.slice(0, maxInputChars);
  });

const fuzzInput = fc.oneof(
  fc.string({ unit: 'binary', maxLength: maxInputChars }),
  fc.string({ unit: structural, maxLength: 400 }).map((s) => s.slice(0, maxInputChars)),
  fc.string({ unit: structural, maxLength: 200 }).map((s) => `mongodb://${s}`.slice(0, maxInputChars)),
  mutatedUri,
  mutatedUri,
);

test('any string up to 4 KB parses or throws MongoParseError, quickly', () => {
  let parsed = 0;
  let rejected = 0;
  fc.assert(
    fc.property(fuzzInput, (input) => {
      const start = performance.now();
      try {
        const cs = parseConnectionString(input);
        parsed++;
        assert.ok(cs.hosts.length > 0);
        // Whatever parsed must also format and re-parse.
        parseConnectionString(formatConnectionString(cs, { redact: false }));
      } catch (e) {
        if (!(e instanceof MongoParseError)) throw new Error(`non-MongoParseError for ${JSON.stringify(input.slice(0, 200))}: ${String(e)}`);
        assert.ok(e.message.length > 0 && e.message.length < 1000, 'message is present and bounded');
        rejected++;
      }
      const ms = performance.now() - start;
      assert.ok(ms < maxParseMs, `parse took ${ms.toFixed(1)} ms`);
    }),
    { numRuns: 3000 },
  );
  // The mix must reach both outcomes, or the generators are not exercising the parser.
  assert.ok(parsed > 100, `only ${parsed} inputs parsed`);
  assert.ok(rejected > 100, `only ${rejected} inputs rejected`);
});

test('a 4 KB pathological string is handled quickly', () => {
  for (const piece of ['%', ',', '@', ':', '&=', '[', '%2F', 'a,']) {
    const input = `mongodb://${piece.repeat(Math.floor(4000 / piece.length))}`;
    const start = performance.now();
    try {
      parseConnectionString(input);
    } catch (e) {
      assert.instance(e, MongoParseError);
    }
    assert.ok(performance.now() - start < maxParseMs);
  }
});

/**
 * Canary passwords: random text that always contains something needing percent-encoding, with
 * the marker "Qz" between every few characters. Neither the marker's letters nor the pair occur
 * elsewhere in the test strings or in message text, so even a partial leak (a password cut
 * short by an unescaped "/" or "?") shows up as "Qz" in the message.
 */
const canaryMarker = 'Qz';
const canary = fc
  .tuple(fc.array(anyText(1, 3), { minLength: 2, maxLength: 6 }), fc.constantFrom(...'@:/?#% &=,[]é'), fc.nat())
  .map(([pieces, special, at]) => {
    const spot = at % pieces.length;
    pieces[spot] = `${pieces[spot]}${special}`;
    return `${canaryMarker}${pieces.join(canaryMarker)}`;
  });

/** Tails that make parsing fail (or warn) after the credentials in many different ways. */
const breakingTails = [
  'host:99999',
  'host:abc',
  'host::1',
  'a,,b',
  '[::1',
  'host/db$name',
  'host/?w',
  'host/?=x',
  'host/?unknownOption=1',
  'host/?heartbeatFrequencyMS=1',
  'host/?tls=true&ssl=false',
  'host/?tlsInsecure=true&tlsAllowInvalidCertificates=true',
  'a,b/?directConnection=true',
  'a,b/?loadBalanced=true',
  'host/?srvMaxHosts=1',
  'host/?proxyPort=1',
  'host/?authMechanism=MONGODB-X509',
  'host/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test',
  'host/?authMechanism=NOPE',
  'host/?authSource=',
  'host/?maxStalenessSeconds=100',
  'host/?readPreferenceTags=a:b',
  'host/?readPreference=secondary&readPreferenceTags=bad&readPreferenceTags=a:b,a:c',
  'host/?replicaSet=x&replicaSet=y',
  'host/?compressors=zlib,bogus',
  'host/?wtimeout=5',
  '%2Ftmp%2Fa.sock:1',
  '%2Ftmp%2Fa',
  'bad host',
];

test('a password never appears in an error or warning, raw or percent-encoded', () => {
  fc.assert(
    fc.property(canary, fc.constantFrom(...breakingTails), fc.boolean(), fc.constantFrom('mongodb', 'mongodb+srv'), (secret, tail, raw, scheme) => {
      const written = raw ? secret : encodeURIComponent(secret);
      const uri = `${scheme}://user:${written}@${tail}`;
      const forbidden = [canaryMarker, secret, encodeURIComponent(secret), written];
      let texts: readonly string[];
      try {
        texts = parseConnectionString(uri).warnings;
      } catch (e) {
        assert.instance(e, MongoParseError);
        texts = [(e as Error).message];
      }
      for (const text of texts) {
        for (const f of forbidden) assert.not.ok(text.includes(f), `message leaks the password: ${text}`);
      }
    }),
    { numRuns: 1500 },
  );
});

test('a secret option value never appears in a warning or error', () => {
  fc.assert(
    fc.property(canary.chain(encodeLoosely), (secret) => {
      const uris = [
        `mongodb://h/?proxyHost=p&proxyUsername=u&proxyPassword=${secret}&proxyPassword=${secret}`,
        `mongodb://h/?tlsCertificateKeyFilePassword=${secret}&tlsCertificateKeyFilePassword=${secret}`,
        `mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:${secret}`,
        `mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN:${secret},`,
      ];
      for (const uri of uris) {
        let texts: readonly string[];
        try {
          texts = parseConnectionString(uri).warnings;
        } catch (e) {
          texts = [(e as Error).message];
        }
        for (const text of texts) assert.not.ok(text.includes(canaryMarker), `leak in: ${text}`);
      }
    }),
    { numRuns: 300 },
  );
});

test.run();
