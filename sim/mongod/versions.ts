/**
 * Server versions the simulator can impersonate, with the wire versions a real server of that
 * version reports in hello (wireversion-featurelist.md).
 */
export type ServerVersion = '4.0' | '4.2' | '4.4' | '5.0' | '6.0' | '7.0' | '8.0';

export const defaultServerVersion: ServerVersion = '8.0';

const maxWireVersionByVersion: Readonly<Record<ServerVersion, number>> = {
  '4.0': 7, '4.2': 8, '4.4': 9, '5.0': 13, '6.0': 17, '7.0': 21, '8.0': 25,
};

export const serverVersions: readonly ServerVersion[] = Object.keys(maxWireVersionByVersion) as ServerVersion[];

export function isServerVersion(value: unknown): value is ServerVersion {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(maxWireVersionByVersion, value);
}

export function maxWireVersionOf(version: ServerVersion): number {
  return maxWireVersionByVersion[version];
}

/** Every supported server reports minWireVersion 0 to clients (internal clients see a higher one). */
export const minWireVersion = 0;

/** Servers ≥ 4.4 add the RetryableWriteError label themselves (retryable-writes.md). */
export function serverAddsRetryableWriteLabel(version: ServerVersion): boolean {
  return maxWireVersionOf(version) >= 9;
}

/** Safe reconfig (one voting member at a time, only from a committed config) exists from 4.4 (wire version 9). */
export function supportsSafeReconfig(version: ServerVersion): boolean {
  return maxWireVersionOf(version) >= 9;
}

/** "8.0.0"-style full version string for buildInfo. */
export function fullVersionString(version: ServerVersion): string {
  return `${version}.0`;
}

/** Awaitable hello / topologyVersion exist from 4.4 (wire version 9). */
export function supportsAwaitableHello(version: ServerVersion): boolean {
  return maxWireVersionOf(version) >= 9;
}

/** The `hello` command (and `helloOk` in legacy isMaster replies) exists from 4.4.2; the simulator treats 4.4 as 4.4.2+. */
export function supportsHelloCommand(version: ServerVersion): boolean {
  return maxWireVersionOf(version) >= 9;
}
