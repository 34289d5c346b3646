/**
 * Checks that the credential information is complete and consistent for the chosen mechanism
 * (auth.md "Supported Authentication Methods", "Connection String Options", "Errors"). Only what
 * the string alone can decide is checked; nothing here contacts a server. Messages name the
 * mechanism and the missing or extra part, never a value.
 */
import { MongoParseError } from '../errors.js';
import type { Credentials } from './userinfo.js';

export const authMechanisms = ['SCRAM-SHA-1', 'SCRAM-SHA-256', 'MONGODB-X509', 'GSSAPI', 'PLAIN', 'MONGODB-AWS', 'MONGODB-OIDC'] as const;
export type AuthMechanism = (typeof authMechanisms)[number];

/** Mechanisms whose credentials live outside the database, so authSource can only be "$external". */
const externalOnly: readonly string[] = ['GSSAPI', 'MONGODB-X509', 'MONGODB-AWS', 'MONGODB-OIDC'];
const externalSource = '$external';
/** auth.md GSSAPI "Valid values for CANONICALIZE_HOST_NAME". */
const canonicalizeValues = ['true', 'false', 'none', 'forward', 'forwardAndReverse'];
/** auth.md MONGODB-OIDC: properties a connection string can set, and the built-in environments. */
const oidcUriProperties = ['ENVIRONMENT', 'TOKEN_RESOURCE'];
const oidcEnvironments = ['test', 'azure', 'gcp', 'k8s'];
const oidcNeedsTokenResource = ['azure', 'gcp'];
const oidcAllowsUsername = ['azure'];

export function checkCredentials(credentials: Credentials | null, options: Readonly<Record<string, unknown>>): void {
  const mechanism = options['authMechanism'];
  if (mechanism === undefined) return;
  if (typeof mechanism !== 'string' || !(authMechanisms as readonly string[]).includes(mechanism)) {
    // An unknown mechanism is an error, not a warning: ignoring it would silently fall back to
    // the default mechanism and send the password somewhere the user did not choose.
    throw new MongoParseError(`option "authMechanism" must be one of ${authMechanisms.join(', ')}`);
  }
  const fail = (why: string): never => {
    throw new MongoParseError(`authMechanism ${mechanism}: ${why}`);
  };
  const username = credentials?.username ?? null;
  const password = credentials?.password ?? null;
  const props = (options['authMechanismProperties'] ?? {}) as Readonly<Record<string, string>>;
  const source = options['authSource'];
  if (externalOnly.includes(mechanism) && source !== undefined && source !== externalSource) {
    fail(`option "authSource" must be "${externalSource}"`);
  }
  switch (mechanism) {
    case 'SCRAM-SHA-1':
    case 'SCRAM-SHA-256':
    case 'GSSAPI':
      if (username === null) fail('requires a username');
      break;
    case 'PLAIN':
      if (username === null) fail('requires a username');
      if (password === null) fail('requires a password');
      break;
    case 'MONGODB-X509':
      if (password !== null) fail('does not use a password; remove it from the connection string');
      break;
    case 'MONGODB-AWS':
      if (username !== null && password === null) fail('a username requires a password');
      if (props['AWS_SESSION_TOKEN'] !== undefined && username === null) fail('AWS_SESSION_TOKEN requires a username and password');
      break;
    case 'MONGODB-OIDC':
      checkOidc(username, password, props, fail);
      break;
  }
  if (mechanism === 'GSSAPI') {
    const canonicalize = props['CANONICALIZE_HOST_NAME'];
    if (canonicalize !== undefined && !canonicalizeValues.includes(canonicalize)) {
      fail(`authMechanismProperties CANONICALIZE_HOST_NAME must be one of ${canonicalizeValues.join(', ')}`);
    }
  }
}

function checkOidc(username: string | null, password: string | null, props: Readonly<Record<string, string>>, fail: (why: string) => never): void {
  if (password !== null) fail('does not use a password; remove it from the connection string');
  for (const key of Object.keys(props)) {
    if (!oidcUriProperties.includes(key)) fail(`authMechanismProperties key is not supported (supported: ${oidcUriProperties.join(', ')})`);
  }
  const environment = props['ENVIRONMENT'];
  // A callback can only be supplied in code; a connection string alone must name an environment.
  if (environment === undefined) fail('requires authMechanismProperties ENVIRONMENT');
  const env = environment as string;
  if (!oidcEnvironments.includes(env)) fail(`authMechanismProperties ENVIRONMENT must be one of ${oidcEnvironments.join(', ')}`);
  const hasResource = props['TOKEN_RESOURCE'] !== undefined;
  if (oidcNeedsTokenResource.includes(env) && !hasResource) fail(`ENVIRONMENT ${env} requires authMechanismProperties TOKEN_RESOURCE`);
  if (!oidcNeedsTokenResource.includes(env) && hasResource) fail(`ENVIRONMENT ${env} does not accept TOKEN_RESOURCE`);
  if (username !== null && !oidcAllowsUsername.includes(env)) fail(`ENVIRONMENT ${env} does not accept a username`);
}
