/**
 * The query part: key/value pairs into typed, canonically named options
 * (connection-string-spec.md "Connection Options", "Keys", "Values", "Repeated Keys",
 * "Deprecated Key Value Pairs"). Problems the specs say to ignore become warnings; only
 * malformed pairs and options whose misuse is unsafe (repeated SOCKS5 options, empty
 * authSource) throw.
 */
import { MongoParseError } from '../errors.js';
import type { EchoGuard } from './echo.js';
import { lookupOption, type KeyLookup } from './option-table.js';
import { tryPercentDecode } from './percent.js';
import type { Segment } from './split.js';

export interface ParsedOptions {
  /** Canonical name → typed value, in order of first appearance. */
  readonly options: Record<string, unknown>;
  /** Canonical names whose key appeared at all, even with an unusable value. */
  readonly present: ReadonlySet<string>;
  readonly warnings: readonly string[];
}

interface Occurrence {
  readonly lookup: KeyLookup;
  readonly raw: string;
  readonly valueOffset: number;
}

export function parseOptions(query: Segment | null, guard: EchoGuard): ParsedOptions {
  const warnings: string[] = [];
  const groups = new Map<string, Occurrence[]>();
  if (query !== null) {
    let offset = query.offset;
    for (const pair of query.text.split('&')) {
      const pairOffset = offset;
      offset += pair.length + 1;
      // An empty pair ("a=1&&b=2", a trailing "&") carries nothing; skipping it is harmless.
      if (pair.length === 0) continue;
      const eq = pair.indexOf('=');
      if (eq < 0) throw new MongoParseError(`option ${guard.quote(pair, pairOffset, `at character ${pairOffset}`)} has no "=" and value`);
      if (eq === 0) throw new MongoParseError(`option at character ${pairOffset} has an empty name`);
      const rawKey = pair.slice(0, eq);
      const key = tryPercentDecode(rawKey);
      const lookup = key === null ? null : lookupOption(key);
      if (lookup === null) {
        warnings.push(`Unsupported option ${guard.quote(rawKey, pairOffset, `at character ${pairOffset}`)} ignored`);
        continue;
      }
      const list = groups.get(lookup.spec.name) ?? [];
      list.push({ lookup, raw: pair.slice(eq + 1), valueOffset: pairOffset + eq + 1 });
      groups.set(lookup.spec.name, list);
    }
  }

  const options: Record<string, unknown> = {};
  const present = new Set<string>();
  for (const [name, all] of groups) {
    const occurrences = dropDeprecatedAliases(name, all, warnings);
    const spec = occurrences[0]!.lookup.spec;
    present.add(name);
    if (spec.repeat === 'error' && occurrences.length > 1) {
      throw new MongoParseError(`option "${name}" is given ${occurrences.length} times; it may be given only once`);
    }
    const values: unknown[] = [];
    for (const occ of occurrences) {
      const value = parseOccurrence(name, occ, guard, warnings);
      if (value !== undefined) values.push(value);
    }
    if (values.length === 0) continue;
    if (spec.repeat === 'accumulate') {
      options[name] = values;
    } else if (spec.repeat === 'agree') {
      if (values.some((v) => v !== values[0])) {
        const keys = [...new Set(occurrences.map((o) => o.lookup.alias?.key ?? name))].map((k) => `"${k}"`).join(' and ');
        const several = keys.includes(' and ');
        throw new MongoParseError(`${several ? 'options' : 'option'} ${keys} ${several ? 'are' : 'is'} given with different values`);
      }
      options[name] = values[0];
    } else {
      if (occurrences.length > 1) warnings.push(`option "${name}" is given ${occurrences.length} times; the last usable value is used`);
      options[name] = values[values.length - 1];
    }
  }
  return { options, present, warnings };
}

/** A deprecated alias is ignored when its replacement is also given, and warned about either way. */
function dropDeprecatedAliases(name: string, all: Occurrence[], warnings: string[]): Occurrence[] {
  const deprecated = all.filter((o) => o.lookup.alias?.deprecated);
  if (deprecated.length === 0) return all;
  const keys = [...new Set(deprecated.map((o) => o.lookup.alias!.key))].map((k) => `"${k}"`).join(', ');
  if (deprecated.length === all.length) {
    warnings.push(`Deprecated key ${keys} has been replaced with "${name}"`);
    return all;
  }
  warnings.push(`Deprecated key ${keys} present and ignored as the replacement "${name}" is also given`);
  return all.filter((o) => !o.lookup.alias?.deprecated);
}

/** The typed value of one occurrence, or undefined (with a warning) when it is unusable. */
function parseOccurrence(name: string, occ: Occurrence, guard: EchoGuard, warnings: string[]): unknown {
  const spec = occ.lookup.spec;
  const label = occ.lookup.alias ? `"${occ.lookup.alias.key}" (alias of "${name}")` : `"${name}"`;
  if (occ.raw.length === 0 && !spec.emptyAllowed) {
    if (spec.emptyIsError) throw new MongoParseError(`option ${label} must not be empty`);
    // "If the value is the empty string, the key MUST be ignored" (connection-string-spec.md "Values").
    warnings.push(`option ${label} has an empty value; ignored`);
    return undefined;
  }
  const canShow = guard.canQuote(occ.valueOffset);
  const result = spec.parse(occ.raw);
  if (!result.ok) {
    const shown = canShow && !spec.sensitive ? `: ${guard.quote(occ.raw, occ.valueOffset)}` : '';
    if (spec.invalidIsError) throw new MongoParseError(`Unsupported value for option ${label}${shown} (${result.reason})`);
    warnings.push(`Unsupported value for option ${label}${shown} (${result.reason}); ignored`);
    return undefined;
  }
  for (const w of result.warnings ?? []) {
    warnings.push(canShow ? `option ${label}: ${w}` : `option ${label}: part of the value was questionable (details not shown: it may contain credentials)`);
  }
  return result.value;
}
