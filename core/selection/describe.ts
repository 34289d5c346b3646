/**
 * Compact, bounded text forms of read preferences and tags for error messages.
 */
import type { ReadPreference, TagSet } from './read-preference.js';
import type { Selector } from './selector.js';

const maxTextChars = 200;

/** `{dc:ny, rack:2}`; `{}` for no tags. */
export function describeTags(tags: TagSet): string {
  const text = `{${Object.entries(tags)
    .map(([key, value]) => `${key}:${value}`)
    .join(', ')}}`;
  return bounded(text);
}

/** `primary`, or `secondary (tags [{dc:sf}, {}], maxStalenessSeconds 90)`. */
export function describeReadPreference(rp: ReadPreference): string {
  const parts: string[] = [];
  if (rp.tagSets.length > 0) parts.push(`tags [${rp.tagSets.map(describeTags).join(', ')}]`);
  if (rp.maxStalenessSeconds !== null) parts.push(`maxStalenessSeconds ${rp.maxStalenessSeconds}`);
  if (rp.hedge !== null) parts.push(`hedge ${rp.hedge.enabled === undefined ? '{}' : `{enabled:${rp.hedge.enabled}}`}`);
  return parts.length > 0 ? `${rp.mode} (${bounded(parts.join(', '))})` : rp.mode;
}

/** `a write` or `a read with ReadPreference secondary (...)`. */
export function describeSelector(selector: Selector): string {
  return selector.operation === 'write' ? 'a write' : `a read with ReadPreference ${describeReadPreference(selector.readPreference)}`;
}

export function bounded(text: string, maxChars = maxTextChars): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
