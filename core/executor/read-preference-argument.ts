/**
 * The `$readPreference` global command argument (OP_MSG) of the command the executor builds,
 * decided from the operation kind, its read preference, the topology type and the type of the
 * server the command goes to. It is part of the command from the start, so the `send` action
 * and the `commandStarted` event carry the same document.
 */
import type { ServerType, TopologyType } from '../sdam/types.js';
import type { ReadPreference } from '../selection/read-preference.js';
import type { Document } from './errors.js';
import type { OperationKind } from './types.js';

/**
 * server-selection.md "Topology type: Single": for a direct connection to anything but a
 * mongos or a standalone, a primary (or absent) read preference is sent as this mode "to
 * ensure that any server type can handle the request" (the OP_MSG form of `SecondaryOk`).
 */
export const directConnectionReadPreferenceMode = 'primaryPreferred';

export interface ReadPreferenceArgumentInput {
  readonly kind: OperationKind;
  /** The operation's read preference; null means the default, mode primary. */
  readonly readPreference: ReadPreference | null;
  readonly topologyType: TopologyType;
  /** The type of the server the command is sent to (selected, or pinned). */
  readonly serverType: ServerType;
}

/** The `$readPreference` document to send, or null when the command must not carry one. */
export function readPreferenceArgument(input: ReadPreferenceArgumentInput): Document | null {
  // server-selection.md "Use of read preferences with commands" / "Write operations": a write
  // selects a writable server and carries no read preference.
  if (input.kind === 'write') return null;
  const rp = input.readPreference;
  const explicit = rp !== null && rp.mode !== 'primary' ? documentOf(rp) : null;
  // server-selection.md "Passing read preference to mongos and load balancers", "For OP_MSG":
  // never for mode primary, always for every other mode. Also under topology type Single
  // ("Type Mongos: ... using the rules for Passing read preference to mongos") and
  // "Topology type: LoadBalanced".
  if (input.serverType === 'Mongos' || input.serverType === 'LoadBalancer') return explicit;
  // "Topology type: Single", "Type Standalone: clients MUST NOT send the read preference to the
  // server". A standalone only ever appears in a Single topology (SDAM removes it otherwise),
  // and it ignores read preference anyway, so the rule is applied to the server type alone.
  if (input.serverType === 'Standalone') return null;
  if (input.topologyType === 'Single') {
    // "For all other types, using OP_MSG: If no read preference is configured by the
    // application, or if the application read preference is Primary, then $readPreference MUST
    // be set to { "mode": "primaryPreferred" } ... If the application read preference is set
    // otherwise, $readPreference MUST be set following Document structure."
    return explicit ?? { mode: directConnectionReadPreferenceMode };
  }
  // "Topology types: ReplicaSetWithPrimary or ReplicaSetNoPrimary", "Read operations": "For all
  // read preferences modes except 'primary', clients MUST set ... $readPreference global command
  // argument (OP_MSG) ... If the read preference mode is 'primary', clients MUST NOT set ..."
  return explicit;
}

/**
 * server-selection.md "Document structure" (for a mode other than primary): `mode` in camel case,
 * `tags` only as a non-empty array of documents (the tag_sets field is named `tags`),
 * `maxStalenessSeconds` only when set, and the deprecated `hedge` only when the application
 * gave one ("If the user does not call a hedge API method, drivers MUST NOT send a hedge").
 */
function documentOf(rp: ReadPreference): Document {
  const doc: Record<string, unknown> = { mode: rp.mode };
  if (rp.tagSets.length > 0) doc.tags = rp.tagSets.map((tagSet) => ({ ...tagSet }));
  if (typeof rp.maxStalenessSeconds === 'number') doc.maxStalenessSeconds = rp.maxStalenessSeconds;
  if (typeof rp.hedge === 'object' && rp.hedge !== null) doc.hedge = { ...rp.hedge };
  return doc;
}
