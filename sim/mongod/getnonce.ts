/**
 * `getnonce`: the challenge of the long-removed MONGODB-CR authentication, still answered by
 * servers before 6.2 (SERVER-71007 removed it) and a sensitive command for drivers. The
 * simulator has no authentication; the nonce is derived from the connection and request ids,
 * so the reply is deterministic.
 */
import { CommandError, ErrorCodes } from './errors.js';
import type { Doc } from './query.js';
import { maxWireVersionOf, type ServerVersion } from './versions.js';

/** 6.0 is the newest simulated version that still has getnonce (7.0 reports wire version 21). */
const lastGetnonceWireVersion = 17;

export function getnonceCommand(version: ServerVersion, connectionId: number, requestId: number): Doc {
  if (maxWireVersionOf(version) > lastGetnonceWireVersion) throw new CommandError(ErrorCodes.CommandNotFound, "no such command: 'getnonce'");
  const nonce = ((connectionId * 0x10000 + requestId) >>> 0).toString(16).padStart(16, '0');
  return { nonce, ok: 1 };
}
