// Cross-option rules: TLS exclusivity, SRV, direct and load-balanced topologies, SOCKS5 and
// read preference; each error names the options involved.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clean, rejects } from './helpers.js';

test('insecure TLS options are mutually exclusive by presence, naming both', () => {
  rejects('mongodb://h/?tlsInsecure=false&tlsAllowInvalidHostnames=false', '"tlsInsecure"', '"tlsAllowInvalidHostnames"');
  rejects('mongodb://h/?tlsInsecure=x&tlsAllowInvalidCertificates=true', '"tlsInsecure"', '"tlsAllowInvalidCertificates"');
  assert.is(clean('mongodb://h/?tlsAllowInvalidCertificates=true&tlsAllowInvalidHostnames=true').options.tlsAllowInvalidHostnames, true);
});

test('mongodb+srv: one DNS name, no port, TLS on by default', () => {
  const cs = clean('mongodb+srv://Cluster0.Example.com/?directConnection=false');
  assert.equal(cs.hosts, [{ type: 'hostname', host: 'cluster0.example.com', port: null }]);
  assert.equal(cs.options, { directConnection: false, tls: true });
  assert.is(clean('mongodb+srv://c.example.com/?tls=false').options.tls, false);
  rejects('mongodb+srv://a.example.com,b.example.com', 'exactly one host, got 2');
  rejects('mongodb+srv://a.example.com:27017', 'must not have a port');
  rejects('mongodb+srv://10.1.2.3', 'not an IP address');
  rejects('mongodb+srv://[::1]', 'not an IP address');
  rejects('mongodb+srv://%2Ftmp%2Fa.sock', 'not a UNIX domain socket');
  rejects('mongodb+srv://a.example.com/?directConnection=true', '"directConnection=true"', 'mongodb+srv');
});

test('srvMaxHosts and srvServiceName need mongodb+srv; positive srvMaxHosts excludes replicaSet and load balancing', () => {
  rejects('mongodb://h/?srvServiceName=x', '"srvServiceName" requires the "mongodb+srv" scheme');
  rejects('mongodb://h/?srvMaxHosts=bad', '"srvMaxHosts" requires');
  rejects('mongodb+srv://a.example.com/?srvMaxHosts=1&replicaSet=rs', '"srvMaxHosts"', '"replicaSet"');
  rejects('mongodb+srv://a.example.com/?srvMaxHosts=1&loadBalanced=true', '"loadBalanced=true"');
  assert.equal(clean('mongodb+srv://a.example.com/?srvMaxHosts=0&loadBalanced=true').options.loadBalanced, true);
});

test('directConnection=true needs a single host; loadBalanced=true excludes several hosts, replicaSet and directConnection', () => {
  rejects('mongodb://a,b/?directConnection=true', '"directConnection=true"', '2 hosts');
  assert.is(clean('mongodb://a/?directConnection=true').options.directConnection, true);
  rejects('mongodb://a,b,c/?loadBalanced=true', '"loadBalanced=true"', '3 hosts');
  rejects('mongodb://a/?loadBalanced=true&replicaSet=x', '"replicaSet"');
  rejects('mongodb://a/?loadBalanced=true&directConnection=true', '"directConnection=true"');
});

test('SOCKS5 options need proxyHost, and username and password go together', () => {
  rejects('mongodb://h/?proxyPort=1', '"proxyPort" requires "proxyHost"');
  rejects('mongodb://h/?proxyHost=p&proxyPassword=x', 'must be given together');
  assert.equal(clean('mongodb://h/?proxyHost=p&proxyUsername=u&proxyPassword=x').options.proxyUsername, 'u');
});

test('mode primary (explicit or default) excludes a positive maxStalenessSeconds and non-empty tag sets', () => {
  rejects('mongodb://h/?maxStalenessSeconds=120', '"maxStalenessSeconds"', '"primary"');
  rejects('mongodb://h/?readPreference=primary&readPreferenceTags=dc:ny', '"readPreferenceTags"', '"primary"');
  assert.equal(clean('mongodb://h/?maxStalenessSeconds=-1&readPreferenceTags=').options, { maxStalenessSeconds: -1, readPreferenceTags: [{}] });
  // The 90 s floor depends on the topology; server selection enforces it.
  assert.is(clean('mongodb://h/?readPreference=secondary&maxStalenessSeconds=30').options.maxStalenessSeconds, 30);
});

test('w=0 with journal=true is inconsistent', () => {
  rejects('mongodb://h/?w=0&journal=true', '"w=0"', '"journal=true"');
  assert.equal(clean('mongodb://h/?w=0&journal=false').options, { w: 0, journal: false });
  assert.equal(clean('mongodb://h/?w=1&journal=true').options, { w: 1, journal: true });
});

test.run();
