// mongosh (the npm package, a dev dependency) against a served 3-member set, as a child process:
// it connects by connection string, and rs.status(), db.c.insertOne and db.c.find() answer as
// against mongod.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServedCluster } from '../../net/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const mongoshBin = path.join(root, 'node_modules', 'mongosh', 'bin', 'mongosh.js');
/** mongosh starts slowly (it loads a REPL and telemetry modules); wall-time bound on one run. */
const mongoshTimeoutMs = 60_000;

function mongosh(uri: string, script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [mongoshBin, uri, '--quiet', '--norc', '--eval', script],
      { timeout: mongoshTimeoutMs, env: { ...process.env, MONGOSH_SKIP_NODE_VERSION_CHECK: '1', DO_NOT_TRACK: '1' } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : (typeof error.code === 'number' ? error.code : null), stdout, stderr }));
  });
}

test('mongosh connects, runs rs.status(), db.c.insertOne and db.c.find()', async () => {
  assert.ok(fs.existsSync(mongoshBin), `mongosh is a dev dependency: ${mongoshBin} should exist (npm ci)`);
  const rs = await ServedCluster.start({ members: 3, seed: 9 });
  try {
    const script = [
      "const s = rs.status();",
      "print(JSON.stringify({ set: s.set, states: s.members.map((m) => m.stateStr).sort() }));",
      "const r = db.c.insertOne({ _id: 42, name: 'served' });",
      "print(JSON.stringify({ acknowledged: r.acknowledged, insertedId: r.insertedId }));",
      "print(JSON.stringify(db.c.find().toArray()));",
    ].join('\n');
    const out = await mongosh(rs.uri, script);
    assert.is(out.code, 0, `mongosh exited ${out.code}: ${out.stderr}`);
    const lines = out.stdout.trim().split('\n').filter((l) => l.startsWith('{') || l.startsWith('['));
    assert.equal(JSON.parse(lines[0] as string), { set: 'rs0', states: ['PRIMARY', 'SECONDARY', 'SECONDARY'] });
    assert.equal(JSON.parse(lines[1] as string), { acknowledged: true, insertedId: 42 });
    assert.equal(JSON.parse(lines[2] as string), [{ _id: 42, name: 'served' }]);
  } finally {
    await rs.stop();
  }
});

test.run();
