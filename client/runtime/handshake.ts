/**
 * The connection handshake (mongodb-handshake.md): the first command on every connection,
 * monitoring and application alike. Its client metadata comes from options only: the
 * runtime reads no real OS facts.
 */
import { defaultDriverVersion, defaultOsType, defaultPlatform, driverName } from './constants.js';
import type { Document } from './ports.js';

/** mongodb-handshake.md "client.os". */
export interface ClientOsMetadata {
  readonly type: string;
  readonly name?: string;
  readonly architecture?: string;
  readonly version?: string;
}

/** What the caller tells the runtime about its environment (the façade reads it; the simulator's ports make it up). */
export interface ClientMetadataInput {
  /** `client.driver.version`; default the package version. */
  readonly driverVersion?: string;
  readonly os?: ClientOsMetadata;
  readonly platform?: string;
  /** mongodb-handshake.md "client.env" (FaaS detection is the caller's job). */
  readonly env?: Readonly<Record<string, unknown>>;
}

/** mongodb-handshake.md "client.application.name": at most 128 bytes. */
export const maxAppNameBytes = 128;

/** The `client` document of the handshake. */
export function clientMetadata(input: ClientMetadataInput, appName: string | null): Document {
  const client: Document = {};
  if (appName !== null) client.application = { name: truncateUtf8(appName, maxAppNameBytes) };
  client.driver = { name: driverName, version: input.driverVersion ?? defaultDriverVersion };
  client.os = { ...(input.os ?? { type: defaultOsType }) };
  client.platform = input.platform ?? defaultPlatform;
  if (input.env !== undefined) client.env = { ...input.env };
  return client;
}

/**
 * The handshake command. mongodb-handshake.md "Connection handshake": legacy hello with
 * `helloOk: true` unless load-balanced (or with a server API), where `hello` is required.
 */
export function handshakeCommand(client: Document, loadBalanced: boolean): Document {
  if (loadBalanced) return { hello: 1, helloOk: true, client, loadBalanced: true };
  return { isMaster: 1, helloOk: true, client };
}

/** The hello command for later checks on a connection whose handshake said whether `hello` is supported. */
export function helloCommand(helloOk: boolean): Document {
  return helloOk ? { hello: 1 } : { isMaster: 1, helloOk: true };
}

function truncateUtf8(value: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length <= maxBytes) return value;
  // Cut at a character boundary: decode the prefix and drop a trailing replacement char.
  return new TextDecoder().decode(bytes.slice(0, maxBytes)).replace(/\uFFFD$/, '');
}
