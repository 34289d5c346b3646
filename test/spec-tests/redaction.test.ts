// No password reaches the conformance report: not the human failure text, not --json, not --junit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactSecrets } from '../../spec-tests/redact.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'main.js');
const secrets = ['s3cr3t-pw', 'wrong-pw', 'tok3n-value'];

/** A connection-string tree whose failing tests would print passwords in their differences. */
function treeWithPasswords(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-redact-'));
  const dir = path.join(root, 'connection-string', 'tests');
  fs.mkdirSync(dir, { recursive: true });
  const base = { warning: false, hosts: null, options: null };
  fs.writeFileSync(
    path.join(dir, 'auth.json'),
    JSON.stringify({
      tests: [
        { description: 'wrong password expected', uri: 'mongodb://alice:s3cr3t-pw@example.com/admin', valid: true, ...base, auth: { username: 'alice', password: 'wrong-pw', db: 'admin' } },
        { description: 'valid uri said invalid', uri: 'mongodb://alice:s3cr3t-pw@example.com/admin', valid: false, ...base, auth: null },
        {
          description: 'secret mechanism property',
          uri: 'mongodb://alice:s3cr3t-pw@example.com/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok3n-value',
          valid: false,
          ...base,
          auth: null,
        },
      ],
    }),
  );
  return root;
}

test('the spec report prints failures without the passwords they involve (human, --json, --junit)', () => {
  const tree = treeWithPasswords();
  const junit = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-redact-junit-')), 'r.xml');
  const jsonFile = path.join(path.dirname(junit), 'r.json');
  const human = spawnSync(process.execPath, [cli, 'spec', '--suite', 'connection-string', '--specs', tree, '--junit', junit, '--json-file', jsonFile], { encoding: 'utf8' });
  const json = spawnSync(process.execPath, [cli, 'spec', '--suite', 'connection-string', '--specs', tree, '--json'], { encoding: 'utf8' });
  assert.is(human.status, 1, human.stderr);
  assert.is(json.status, 1, json.stderr);
  const report = JSON.parse(json.stdout) as { suites: Array<{ failed: number; failures: Array<{ difference: string }> }> };
  assert.is(report.suites[0]!.failed, 3, 'every case failed, so each difference was printed');
  assert.match(human.stdout, 'auth.password');
  for (const [where, text] of [
    ['human', human.stdout + human.stderr],
    ['--json', json.stdout + json.stderr],
    ['--junit', fs.readFileSync(junit, 'utf8')],
    ['--json-file', fs.readFileSync(jsonFile, 'utf8')],
  ] as const) {
    for (const secret of secrets) assert.not.ok(text.includes(secret), `${where} shows ${secret}:\n${text}`);
  }
});

test('redactSecrets: URI user info, password-like JSON fields and path: expected/got values', () => {
  assert.is(redactSecrets('bad mongodb://u:pw@h/x and mongodb+srv://u%40x:p%3Aw@h'), 'bad mongodb://<credentials>@h/x and mongodb+srv://<credentials>@h');
  assert.is(redactSecrets('parsed {"auth":{"username":"u","password":"pw\\"x"}}'), 'parsed {"auth":{"username":"u","password":"<redacted>"}}');
  assert.is(redactSecrets('auth.password: expected "a b", got "c"'), 'auth.password: expected <redacted>, got <redacted>');
  assert.is(redactSecrets('options.authMechanismProperties: expected {"AWS_SESSION_TOKEN":"t"}, got null'), 'options.authMechanismProperties: expected {"AWS_SESSION_TOKEN":"<redacted>"}, got null');
  assert.is(redactSecrets('hosts[0].port: expected 27017, got 1'), 'hosts[0].port: expected 27017, got 1');
});

test.run();
