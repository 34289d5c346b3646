/**
 * Durations in scenario files: a number of milliseconds, or a string of one or more
 * `<number><unit>` parts with units ms, s, m, h, d — e.g. `250ms`, `30s`, `1h30m`, `24h`.
 */

const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The longest run a scenario may ask for (one virtual year), so a typo cannot mean "forever". */
export const maxDurationMs = 365 * 86_400_000;

/** Parses a duration; returns an error message (without the field name) instead of throwing. */
export function parseDuration(value: unknown): { ms: number } | { error: string } {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return { error: `${value} is not a duration (a number of ms >= 0)` };
    ms = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
    ms = 0;
    let at = 0;
    while (at < text.length) {
      part.lastIndex = at;
      const match = part.exec(text);
      if (match === null) {
        return { error: `${JSON.stringify(value)} is not a duration (use e.g. 250ms, 30s, 5m, 1h30m, 2d or a number of ms)` };
      }
      ms += Number(match[1]) * (unitMs[match[2] as string] as number);
      at = part.lastIndex;
    }
    if (text.length === 0) return { error: 'an empty string is not a duration' };
  } else {
    return { error: `${JSON.stringify(value)} is not a duration (use e.g. 30s, 5m, 24h or a number of ms)` };
  }
  if (ms > maxDurationMs) return { error: `${JSON.stringify(value)} is longer than the ${maxDurationMs / 86_400_000}-day limit` };
  return { ms: Math.round(ms) };
}

/** Formats ms compactly for human output: 90000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join('');
}

/** `HH:MM:SS.mmm` of virtual time (hours keep counting past 24). */
export function formatVirtualTime(ms: number): string {
  const total = Math.round(ms);
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const milli = total % 1000;
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(milli, 3)}`;
}
