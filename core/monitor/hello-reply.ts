/**
 * The few facts the monitor reads from a hello reply. Any decoded document is accepted; the
 * monitor never interprets server state (that is SDAM's job in core/sdam).
 */

/**
 * The hello reply document as the wire layer decoded it (any object: typed interfaces from
 * sim/ fit too). Read only through `replyField`.
 */
export type HelloReply = object;

/** The reply's topologyVersion, echoed back verbatim (it may hold BSON ObjectId/Long values). */
export interface HelloTopologyVersion {
  readonly processId: unknown;
  readonly counter: unknown;
}

/** One field of a reply, or undefined. */
export function replyField(reply: HelloReply, key: string): unknown {
  return (reply as Readonly<Record<string, unknown>>)[key];
}

/** server-monitoring.md "Feature Discovery": a reply with topologyVersion supports awaitable hello. */
export function topologyVersionOf(reply: HelloReply): HelloTopologyVersion | null {
  const value = replyField(reply, 'topologyVersion');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  // A malformed value counts as absent: polling is always safe.
  if (!('processId' in value) || !('counter' in value)) return null;
  return value as HelloTopologyVersion;
}

/** An `ok: 0` reply is a command error ("Network or command error during server check"). */
export function isOkZero(reply: HelloReply): boolean {
  const ok = replyField(reply, 'ok');
  return ok === 0 || ok === false;
}
