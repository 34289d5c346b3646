/**
 * The client's logger (logging.md): per-component minimum severities, a destination and a max
 * document length, configured like the Node driver's MongoClient options
 * `mongodbLogComponentSeverities`, `mongodbLogPath` and `mongodbLogMaxDocumentLength`.
 * Programmatic values are checked and a bad one is a MongoInvalidArgumentError naming it;
 * environment values (logOptionsFromEnvironment) that are invalid are ignored, as logging.md
 * requires. Each message is `{ t, c, s, message, ...fields }` (time, component, severity).
 */
import { MongoInvalidArgumentError } from '../../core/errors.js';
import type { RuntimeEvent } from '../runtime/api.js';
import { defaultMaxDocumentLength } from './extended-json.js';
import { logMessageFor } from './messages.js';
import { isLogComponent, logComponents, parseSeverity, severityEnabled, type LogComponent, type SeverityLevel, type SeveritySetting } from './severity.js';

/** One log message as a sink receives it. */
export interface LogMessage {
  /** When, on the client's clock. */
  readonly t: Date;
  readonly c: LogComponent;
  readonly s: SeverityLevel;
  readonly message: string;
  readonly [field: string]: unknown;
}

/** A programmatic destination (logging.md "Configurable Log Destination": a way to consume messages). */
export interface LogSink {
  write(message: LogMessage): unknown;
}

export type LogComponentSeverities = Partial<Record<LogComponent | 'default', SeveritySetting>>;

export interface LoggerOptions {
  /** Minimum severity per component; `default` applies to every component not named. Default: nothing is logged. */
  readonly mongodbLogComponentSeverities?: LogComponentSeverities;
  /** 'stderr' (default), 'stdout', or a sink object with `write(message)`. */
  readonly mongodbLogPath?: 'stderr' | 'stdout' | LogSink;
  /** Longest Extended JSON text of a document in a message, in UTF-16 code units; default 1000. */
  readonly mongodbLogMaxDocumentLength?: number;
}

export interface ResolvedLoggerSettings {
  readonly severities: Readonly<Record<LogComponent, SeveritySetting>>;
  readonly sink: LogSink | 'stderr' | 'stdout';
  readonly maxDocumentLength: number;
}

/** The MongoClient option names the logger reads (not connection-string options). */
export const loggerOptionKeys = ['mongodbLogComponentSeverities', 'mongodbLogPath', 'mongodbLogMaxDocumentLength'] as const;

const severityKeys = new Set<string>([...logComponents, 'default']);

function checkSeverities(value: unknown): LogComponentSeverities {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MongoInvalidArgumentError(`option mongodbLogComponentSeverities must be an object of component: level, got ${value === null ? 'null' : typeof value}`);
  }
  const out: Record<string, SeveritySetting> = {};
  for (const [key, level] of Object.entries(value)) {
    if (!severityKeys.has(key)) throw new MongoInvalidArgumentError(`option mongodbLogComponentSeverities.${key}: unknown component (one of ${[...severityKeys].join(', ')})`);
    const parsed = parseSeverity(level);
    if (parsed === null) throw new MongoInvalidArgumentError(`option mongodbLogComponentSeverities.${key}: ${JSON.stringify(level)} is not a severity level (off, emergency, alert, critical, error, warn, notice, info, debug, trace)`);
    out[key] = parsed;
  }
  return out;
}

function checkSink(value: unknown): LogSink | 'stderr' | 'stdout' {
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'stderr' || lower === 'stdout') return lower;
    throw new MongoInvalidArgumentError(`option mongodbLogPath must be 'stderr', 'stdout' or an object with a write(message) method, got ${JSON.stringify(value)}`);
  }
  if (value !== null && typeof value === 'object' && typeof (value as LogSink).write === 'function') return value as LogSink;
  throw new MongoInvalidArgumentError(`option mongodbLogPath must be 'stderr', 'stdout' or an object with a write(message) method, got ${value === null ? 'null' : typeof value}`);
}

function checkMaxLength(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new MongoInvalidArgumentError(`option mongodbLogMaxDocumentLength must be a positive integer, got ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}

/** Checks the three logger options; components not configured are `off`. */
export function resolveLoggerSettings(options: LoggerOptions): ResolvedLoggerSettings {
  const severities = options.mongodbLogComponentSeverities === undefined ? {} : checkSeverities(options.mongodbLogComponentSeverities);
  const all = severities.default ?? 'off';
  const perComponent = {} as Record<LogComponent, SeveritySetting>;
  for (const component of logComponents) perComponent[component] = severities[component] ?? all;
  return {
    severities: perComponent,
    sink: options.mongodbLogPath === undefined ? 'stderr' : checkSink(options.mongodbLogPath),
    maxDocumentLength: options.mongodbLogMaxDocumentLength === undefined ? defaultMaxDocumentLength : checkMaxLength(options.mongodbLogMaxDocumentLength),
  };
}

/** Component → its environment variable (logging.md "Components"). */
const environmentVariables: Readonly<Record<LogComponent, string>> = {
  command: 'MONGODB_LOG_COMMAND',
  topology: 'MONGODB_LOG_TOPOLOGY',
  serverSelection: 'MONGODB_LOG_SERVER_SELECTION',
  connection: 'MONGODB_LOG_CONNECTION',
};

/**
 * logging.md's environment variables as logger options (the client reads no environment
 * itself). Spread them first so programmatic options win, as logging.md requires:
 * `new MongoClient(uri, { ...logOptionsFromEnvironment(process.env), ...mine })`; spread them
 * last to let the environment override a programmatic default. Invalid values are ignored;
 * MONGODB_LOG_PATH other than stdout/stderr (a file) falls back to stderr.
 */
export function logOptionsFromEnvironment(env: Readonly<Record<string, string | undefined>>): LoggerOptions {
  const severities: Record<string, SeveritySetting> = {};
  const all = parseSeverity(env['MONGODB_LOG_ALL']);
  if (all !== null) severities.default = all;
  for (const component of logComponents) {
    const level = parseSeverity(env[environmentVariables[component]]);
    if (level !== null) severities[component] = level;
  }
  const path = env['MONGODB_LOG_PATH']?.toLowerCase();
  const max = Number(env['MONGODB_LOG_MAX_DOCUMENT_LENGTH']);
  return {
    ...(Object.keys(severities).length > 0 ? { mongodbLogComponentSeverities: severities } : {}),
    ...(path === 'stdout' || path === 'stderr' ? { mongodbLogPath: path } : {}),
    ...(env['MONGODB_LOG_MAX_DOCUMENT_LENGTH'] !== undefined && Number.isSafeInteger(max) && max >= 1 ? { mongodbLogMaxDocumentLength: max } : {}),
  };
}

/** Writes a message as one line to the process's stdout or stderr (the only I/O; none in core/). */
function streamSink(name: 'stdout' | 'stderr'): LogSink {
  return {
    write(message: LogMessage): void {
      const stream = (globalThis as { process?: { stdout?: { write(s: string): unknown }; stderr?: { write(s: string): unknown } } }).process?.[name];
      stream?.write(`${JSON.stringify({ ...message, t: message.t.toISOString() })}\n`);
    },
  };
}

export class MongoLogger {
  private readonly sink: LogSink;
  private topologyId = 0;

  constructor(
    private readonly settings: ResolvedLoggerSettings,
    private readonly nowMs: () => number,
  ) {
    this.sink = typeof settings.sink === 'string' ? streamSink(settings.sink) : settings.sink;
  }

  /** Whether any component logs anything (a client with no logging subscribes to nothing). */
  get enabled(): boolean {
    return logComponents.some((c) => this.settings.severities[c] !== 'off');
  }

  willLog(component: LogComponent, level: SeverityLevel): boolean {
    return isLogComponent(component) && severityEnabled(this.settings.severities[component], level);
  }

  /** Logs the message `event` maps to, if its component is on at its level. A throwing sink is the caller's problem, reported like a throwing listener. */
  event(event: RuntimeEvent): void {
    if (event.name === 'topologyOpening' && typeof event.topologyId === 'number') this.topologyId = event.topologyId;
    const spec = logMessageFor(event, this.topologyId);
    if (spec === null || !this.willLog(spec.component, spec.level)) return;
    const data = spec.data(this.settings.maxDocumentLength);
    this.sink.write({ t: new Date(this.nowMs()), c: spec.component, s: spec.level, ...data } as LogMessage);
  }
}
