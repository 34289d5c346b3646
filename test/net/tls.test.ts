// mongosim's client over node:tls when the connection string says tls=true: through a TLS
// terminator in front of a served member, with the CA from tlsCAFile; without the CA the
// certificate is refused, and tlsAllowInvalidCertificates accepts it. The certificate is made
// for this run with openssl; without openssl the test is skipped and says so.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { MongoClient } from '../../client/index.js';
import { ServedCluster, netPortsForUri } from '../../net/index.js';

function makeCertificate(dir: string): { cert: string; key: string } | null {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { cert, key };
  } catch {
    return null;
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-tls-'));
const files = makeCertificate(dir);

if (files === null) {
  process.stdout.write('test/net/tls: skipped: openssl is not available to make a test certificate\n');
  test.skip('TLS (skipped: openssl is not available to make a test certificate)', () => undefined);
} else {
  test('tls=true with tlsCAFile: CRUD through TLS; an unknown CA is refused; tlsAllowInvalidCertificates accepts it', async () => {
    const rs = await ServedCluster.start({ members: 1, seed: 2 });
    const member = rs.hosts[0] as string;
    const [host, port] = [member.split(':')[0] as string, Number(member.split(':')[1])];
    const sockets = new Set<net.Socket>();
    const terminator = tls.createServer({ cert: fs.readFileSync(files.cert), key: fs.readFileSync(files.key) }, (clear) => {
      const upstream = net.connect({ host, port });
      sockets.add(clear).add(upstream);
      clear.pipe(upstream).pipe(clear);
      const end = (): void => { clear.destroy(); upstream.destroy(); };
      clear.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((r) => terminator.listen(0, '127.0.0.1', r));
    const tlsAddress = `127.0.0.1:${(terminator.address() as net.AddressInfo).port}`;
    const open = async (query: string): Promise<MongoClient> => {
      const uri = `mongodb://${tlsAddress}/?directConnection=true&serverSelectionTimeoutMS=3000&${query}`;
      return new MongoClient(uri, { ports: netPortsForUri(uri) });
    };
    try {
      const good = await open(`tls=true&tlsCAFile=${encodeURIComponent(files.cert)}`);
      try {
        const coll = good.db('t').collection('c');
        await coll.insertOne({ _id: 1, over: 'tls' });
        assert.equal(await coll.findOne({ _id: 1 }), { _id: 1, over: 'tls' });
      } finally {
        await good.close();
      }
      const untrusted = await open('tls=true');
      try {
        const error = await untrusted.db('admin').runCommand({ ping: 1 }).catch((e: Error) => e);
        assert.instance(error, Error);
        assert.is((error as Error).name, 'MongoServerSelectionError');
      } finally {
        await untrusted.close();
      }
      const insecure = await open('tls=true&tlsAllowInvalidCertificates=true');
      try {
        assert.is((await insecure.db('admin').runCommand({ ping: 1 }))['ok'], 1);
      } finally {
        await insecure.close();
      }
      // A CA file that does not exist is named in the error.
      assert.throws(() => netPortsForUri('mongodb://h/?tls=true&tlsCAFile=/nonexistent/ca.pem'), /tlsCAFile "\/nonexistent\/ca.pem" cannot be read/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => terminator.close(r));
      await rs.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
