/**
 * logging.md "Components" and "Log Severity Levels": the four components mongosim logs for and
 * the Syslog-style levels, most severe first. A message is emitted when its level is at or
 * above (numerically at or below) the minimum level configured for its component.
 */
export const logComponents = ['command', 'topology', 'serverSelection', 'connection'] as const;
export type LogComponent = (typeof logComponents)[number];

/** Level names as logging.md spells them (the environment-variable values), in severity order. */
export const severityLevels = ['emergency', 'alert', 'critical', 'error', 'warn', 'notice', 'info', 'debug', 'trace'] as const;
export type SeverityLevel = (typeof severityLevels)[number];
/** `off`: nothing is logged for the component (the default for every component). */
export type SeveritySetting = SeverityLevel | 'off';

/** Syslog code of a level (0 emergency ... 8 trace); `off` is below everything. */
export function severityCode(level: SeveritySetting): number {
  return level === 'off' ? -1 : severityLevels.indexOf(level);
}

export function isLogComponent(value: unknown): value is LogComponent {
  return typeof value === 'string' && (logComponents as readonly string[]).includes(value);
}

/** A setting name, case-insensitive (logging.md: environment variable values are case-insensitive); null when it is none. */
export function parseSeverity(value: unknown): SeveritySetting | null {
  if (typeof value !== 'string') return null;
  const lower = value.toLowerCase();
  if (lower === 'off') return 'off';
  return (severityLevels as readonly string[]).includes(lower) ? (lower as SeverityLevel) : null;
}

/** Whether a `level` message passes a component configured at `minimum`. */
export function severityEnabled(minimum: SeveritySetting, level: SeverityLevel): boolean {
  return minimum !== 'off' && severityCode(level) <= severityCode(minimum);
}
