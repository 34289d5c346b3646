// Credential checks per auth mechanism (auth.md); messages name the mechanism and the problem.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clean, rejects } from './helpers.js';

test('unknown mechanisms are errors listing the supported ones', () => {
  rejects('mongodb://u:p@h/?authMechanism=MONGODB-CR', '"authMechanism" must be one of', 'SCRAM-SHA-256');
  rejects('mongodb://u:p@h/?authMechanism=scram-sha-1', 'must be one of');
});

test('mechanisms that need a username or password say so', () => {
  rejects('mongodb://h/?authMechanism=SCRAM-SHA-256', 'SCRAM-SHA-256', 'requires a username');
  rejects('mongodb://h/?authMechanism=GSSAPI', 'GSSAPI', 'requires a username');
  rejects('mongodb://h/?authMechanism=PLAIN', 'PLAIN', 'requires a username');
  rejects('mongodb://u@h/?authMechanism=PLAIN', 'requires a password');
  rejects('mongodb://u:p@h/?authMechanism=MONGODB-X509', 'MONGODB-X509', 'does not use a password');
  rejects('mongodb://u@h/?authMechanism=MONGODB-AWS', 'a username requires a password');
  rejects('mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:t', 'AWS_SESSION_TOKEN requires');
  assert.equal(clean('mongodb://u:p@h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:t').options.authMechanism, 'MONGODB-AWS');
  assert.is(clean('mongodb://CN%3Dme@h/?authMechanism=MONGODB-X509').auth?.username, 'CN=me');
});

test('external mechanisms only accept authSource=$external', () => {
  rejects('mongodb://u@h/?authMechanism=GSSAPI&authSource=admin', '"authSource" must be "$external"');
  assert.is(clean('mongodb://u@h/?authMechanism=GSSAPI&authSource=$external').options.authSource, '$external');
  assert.is(clean('mongodb://u:p@h/db?authMechanism=PLAIN&authSource=other').options.authSource, 'other');
});

test('GSSAPI CANONICALIZE_HOST_NAME is checked', () => {
  rejects('mongodb://u@h/?authMechanism=GSSAPI&authMechanismProperties=CANONICALIZE_HOST_NAME:sometimes', 'CANONICALIZE_HOST_NAME must be one of');
  clean('mongodb://u@h/?authMechanism=GSSAPI&authMechanismProperties=CANONICALIZE_HOST_NAME:forwardAndReverse,SERVICE_NAME:x');
});

test('MONGODB-OIDC needs a known ENVIRONMENT and the right companions', () => {
  clean('mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test');
  clean('mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:k8s');
  clean('mongodb://u@h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:mongodb://x');
  clean('mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:gcp,TOKEN_RESOURCE:r');
  rejects('mongodb://h/?authMechanism=MONGODB-OIDC', 'requires authMechanismProperties ENVIRONMENT');
  rejects('mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:mars', 'ENVIRONMENT must be one of');
  rejects('mongodb://u:p@h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:r', 'does not use a password');
  rejects('mongodb://u@h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test', 'does not accept a username');
  rejects('mongodb://u@h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:gcp,TOKEN_RESOURCE:r', 'does not accept a username');
  rejects('mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure', 'requires authMechanismProperties TOKEN_RESOURCE');
  rejects('mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test,TOKEN_RESOURCE:r', 'does not accept TOKEN_RESOURCE');
  rejects('mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test,Other:x', 'key is not supported');
});

test('a database alone, or authSource alone, does not ask for credentials', () => {
  assert.equal(clean('mongodb://h/foo?authSource=bar').auth, { username: null, password: null, db: 'foo' });
});

test.run();
