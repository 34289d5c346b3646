// `mongosim serve` as a user runs it: a child process that prints the connection string,
// serves the official driver (and the {mongosim: ...} control command), and exits 0 on SIGTERM.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { parseServeArgs } from '../../cli/serve-command.js';
import { UsageError } from '../../cli/usage-error.js';

const mainJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'main.js');

test('parseServeArgs: defaults, and bad values named', () => {
  const { options } = parseServeArgs([]);
  assert.equal({ members: options.members, mongos: options.mongos, port: options.port, bind: options.bind }, { members: 3, mongos: 0, port: 27017, bind: '127.0.0.1' });
  for (const [args, re] of [[['--replset', '0'], /--replset "0"/], [['--version', '3.6'], /--version "3.6"/], [['--speed', '-1'], /--speed/], [['--bogus'], /bogus/]] as const) {
    try {
      parseServeArgs([...args]);
      assert.unreachable(args.join(' '));
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, re);
    }
  }
});

test('mongosim serve --replset 3 --port 0: prints the URI, serves the driver and control, exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, [mainJs, 'serve', '--replset', '3', '--port', '0', '--seed', '4', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const nl = buf.indexOf('\n');
        if (nl >= 0) resolve(buf.slice(0, nl));
      });
      child.once('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
      setTimeout(() => reject(new Error('serve printed nothing in 10 s')), 10_000);
    });
    const info = JSON.parse(line) as { uri: string; hosts: string[]; primary: string };
    assert.match(info.uri, /^mongodb:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\/\?replicaSet=rs0$/);
    const client = new MongoClient(info.uri, { serverSelectionTimeoutMS: 10_000 });
    try {
      await client.db('x').collection('y').insertOne({ _id: 1 } as never);
      assert.is(await client.db('x').collection('y').countDocuments({}), 1);
      const status = await client.db('admin').command({ mongosim: 'status' });
      assert.is(status['primary'], info.primary);
      assert.equal(status['hosts'], info.hosts);
      // The control command reaches the world: stepping the primary down elects another (or the same after its freeze)... at least it loses primacy now.
      await client.db('admin').command({ mongosim: 'stepDown' });
      const after = await client.db('admin').command({ mongosim: 'status' });
      assert.is.not(after['primary'], info.primary);
      const bad = await client.db('admin').command({ mongosim: 'explode' }).catch((e: Error) => e);
      assert.instance(bad, Error);
      assert.match((bad as Error).message, /unknown action "explode"/);
    } finally {
      await client.close();
    }
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.is(await exit, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test.run();
