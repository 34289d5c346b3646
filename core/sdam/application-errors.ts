/**
 * SDAM "Error handling" for application errors: recognising "not writable primary" and
 * "node is recovering" errors (codes first, messages only when there is no code) and reading
 * the parts of a command response that decide what happens.
 */
import { readTopologyVersion } from './hello.js';
import type { TopologyVersion } from './types.js';

/** SDAM "not writable primary" and "node is recovering": the "node is recovering" codes. */
export const recoveringCodes: ReadonlySet<number> = new Set([11600, 11602, 13436, 189, 91]);
/** SDAM: the "not writable primary" codes. */
export const notWritablePrimaryCodes: ReadonlySet<number> = new Set([10107, 13435, 10058]);
/** SDAM: the "node is shutting down" subset of the recovering codes. */
export const shutdownCodes: ReadonlySet<number> = new Set([11600, 91]);

/** CMAP "Backpressure-enabled": errors with this label never mark a server Unknown nor clear its pool. */
export const systemOverloadedErrorLabel = 'SystemOverloadedError';

/** The error a command response carries, as SDAM inspects it. */
export interface CommandErrorFacts {
  readonly code: number | null;
  readonly message: string;
  readonly topologyVersion: TopologyVersion | null;
  readonly errorLabels: readonly string[];
}

/** SDAM pseudocode `isRecovering`. */
export function isRecovering(message: string, code: number | null): boolean {
  if (code !== null) return recoveringCodes.has(code);
  return message.includes('not master or secondary') || message.includes('node is recovering');
}

/** SDAM pseudocode `isNotWritablePrimary`. */
export function isNotWritablePrimary(message: string, code: number | null): boolean {
  if (code !== null) return notWritablePrimaryCodes.has(code);
  if (isRecovering(message, null)) return false;
  return message.includes('not master');
}

/** SDAM pseudocode `isShutdown`. */
export function isShutdown(code: number | null): boolean {
  return code !== null && shutdownCodes.has(code);
}

/** SDAM pseudocode `isStateChangeError`. */
export function isStateChangeError(facts: CommandErrorFacts): boolean {
  return isRecovering(facts.message, facts.code) || isNotWritablePrimary(facts.message, facts.code);
}

/**
 * SDAM `parseCommandResponse`: the error of an `ok: 0` response, else of its
 * `writeConcernError`, else null. `writeErrors` are never inspected. Never throws; fields of
 * the wrong type are treated as absent (a response we cannot read is not a state change).
 */
export function commandErrorOf(response: unknown): CommandErrorFacts | null {
  try {
    return readCommandError(response);
  } catch {
    // A getter or Proxy that throws: a response that cannot be read, like one that is not a document.
    return null;
  }
}

function readCommandError(response: unknown): CommandErrorFacts | null {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) return null;
  const doc = response as Record<string, unknown>;
  const labels = stringList(doc.errorLabels);
  const okValue = doc.ok;
  const ok = okValue === 1 || okValue === true;
  if (!ok) {
    return { code: codeOf(doc.code), message: messageOf(doc.errmsg), topologyVersion: topologyVersionOf(doc.topologyVersion), errorLabels: labels };
  }
  const wce = doc.writeConcernError;
  if (typeof wce === 'object' && wce !== null && !Array.isArray(wce)) {
    const w = wce as Record<string, unknown>;
    return { code: codeOf(w.code), message: messageOf(w.errmsg), topologyVersion: topologyVersionOf(doc.topologyVersion), errorLabels: [...labels, ...stringList(w.errorLabels)] };
  }
  return null;
}

function codeOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return null;
}

function messageOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function topologyVersionOf(value: unknown): TopologyVersion | null {
  try {
    return readTopologyVersion(value, 'topologyVersion');
  } catch {
    return null;
  }
}

function stringList(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((x): x is string => typeof x === 'string');
}
