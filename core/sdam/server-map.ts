/**
 * The immutable `servers` map of a TopologyDescription.
 *
 * Copying a JS Map costs time proportional to its size, and every hello would otherwise copy
 * it: a 50-member set would pay for 50 entries to change one. A ServerMap instead shares an
 * address → slot index between versions and copies only the array of descriptions (a flat
 * pointer copy). The index is rebuilt only when membership changes, which the SDAM rules make
 * rare (discovery, removal).
 */
import type { ServerDescription } from './types.js';

export class ServerMap implements ReadonlyMap<string, ServerDescription> {
  /** @internal Use `ServerMap.from`, or a TopologyDraft, to build one. */
  constructor(
    /** address → position in `list`; shared between versions with the same members. */
    private readonly index: ReadonlyMap<string, number>,
    private readonly list: readonly ServerDescription[],
  ) {}

  static readonly empty: ServerMap = new ServerMap(new Map(), []);

  /** A map of the given descriptions, in order; a later description of an address replaces an earlier one. */
  static from(servers: Iterable<ServerDescription>): ServerMap {
    const index = new Map<string, number>();
    const list: ServerDescription[] = [];
    for (const server of servers) {
      const at = index.get(server.address);
      if (at === undefined) {
        index.set(server.address, list.length);
        list.push(server);
      } else list[at] = server;
    }
    return new ServerMap(index, list);
  }

  get size(): number {
    return this.list.length;
  }

  get(address: string): ServerDescription | undefined {
    const at = this.index.get(address);
    return at === undefined ? undefined : this.list[at];
  }

  has(address: string): boolean {
    return this.index.has(address);
  }

  forEach(callback: (value: ServerDescription, key: string, map: ReadonlyMap<string, ServerDescription>) => void, thisArg?: unknown): void {
    for (const server of this.list) callback.call(thisArg, server, server.address, this);
  }

  *entries(): MapIterator<[string, ServerDescription]> {
    for (const server of this.list) yield [server.address, server];
  }

  *keys(): MapIterator<string> {
    for (const server of this.list) yield server.address;
  }

  values(): MapIterator<ServerDescription> {
    return this.list.values();
  }

  [Symbol.iterator](): MapIterator<[string, ServerDescription]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'ServerMap';
  }

  /** JSON form: `{address: description}` (a Map would serialise as `{}`). */
  toJSON(): Record<string, ServerDescription> {
    const out: Record<string, ServerDescription> = {};
    for (const server of this.list) out[server.address] = server;
    return out;
  }

  /** @internal The descriptions in order, for scans that must not allocate (server selection). Never modify it. */
  descriptions(): readonly ServerDescription[] {
    return this.list;
  }

  /** @internal The shared parts, for TopologyDraft. */
  parts(): { readonly index: ReadonlyMap<string, number>; readonly list: readonly ServerDescription[] } {
    return { index: this.index, list: this.list };
  }
}
