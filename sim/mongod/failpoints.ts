/**
 * Fail points as `configureFailPoint` sets them (unified-test-format.md, "Server Fail Points"):
 * `failCommand` and `onPrimaryTransactionalWrite`, with the generic modes `alwaysOn`, `off`,
 * `{times: n}` and `{skip: n}`. A mode counts only activations whose data predicate matched
 * (command name, appName, namespace), as the server's `scopedIf` does.
 */
import { CommandError, ErrorCodes } from './errors.js';
import type { Doc } from './query.js';
import { isPlainObject } from './values.js';

export type FailPointMode =
  | { readonly kind: 'off' }
  | { readonly kind: 'alwaysOn' }
  | { readonly kind: 'times'; remaining: number }
  | { readonly kind: 'skip'; remaining: number };

export interface FailCommandData {
  readonly failCommands: readonly string[];
  readonly closeConnection: boolean;
  readonly errorCode: number | undefined;
  readonly errorLabels: readonly string[] | undefined;
  readonly writeConcernError: Readonly<Doc> | undefined;
  readonly appName: string | undefined;
  readonly blockConnection: boolean;
  readonly blockTimeMS: number;
  readonly namespace: string | undefined;
  readonly failInternalCommands: boolean;
  readonly errorExtraInfo: Readonly<Doc> | undefined;
}

export interface PrimaryTransactionalWriteData {
  readonly closeConnection: boolean;
  readonly failBeforeCommitExceptionCode: number | undefined;
}

interface FailPointState<D> {
  mode: FailPointMode;
  data: D | undefined;
  rawData: Readonly<Doc>;
  /** How many times the fail point has fired since it was last configured. */
  timesEntered: number;
}

export const supportedFailPoints = ['failCommand', 'onPrimaryTransactionalWrite'] as const;

function parseMode(mode: unknown): FailPointMode {
  if (mode === 'off') return { kind: 'off' };
  if (mode === 'alwaysOn') return { kind: 'alwaysOn' };
  if (isPlainObject(mode)) {
    const keys = Object.keys(mode);
    if (keys.length === 1 && (keys[0] === 'times' || keys[0] === 'skip')) {
      const n = mode[keys[0]];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        throw new CommandError(ErrorCodes.BadValue, `'${keys[0]}' option to 'mode' must be a non-negative integer`);
      }
      return keys[0] === 'times' ? { kind: 'times', remaining: n } : { kind: 'skip', remaining: n };
    }
    throw new CommandError(ErrorCodes.BadValue, `'mode' object must contain exactly one of 'times' or 'skip'`);
  }
  throw new CommandError(ErrorCodes.TypeMismatch, `'mode' must be a string ('off', 'alwaysOn') or an object`);
}

function optionalBoolean(data: Doc, field: string, fallback: boolean): boolean {
  const v = data[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new CommandError(ErrorCodes.TypeMismatch, `'data.${field}' must be a boolean`);
  return v;
}

function optionalString(data: Doc, field: string): string | undefined {
  const v = data[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new CommandError(ErrorCodes.TypeMismatch, `'data.${field}' must be a string`);
  return v;
}

function optionalInteger(data: Doc, field: string): number | undefined {
  const v = data[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new CommandError(ErrorCodes.TypeMismatch, `'data.${field}' must be an integer`);
  return v;
}

function parseFailCommandData(data: Doc): FailCommandData {
  const failCommands = data['failCommands'];
  if (!Array.isArray(failCommands) || !failCommands.every((c) => typeof c === 'string')) {
    throw new CommandError(ErrorCodes.BadValue, `'data.failCommands' must be an array of command names`);
  }
  const errorLabels = data['errorLabels'];
  if (errorLabels !== undefined && (!Array.isArray(errorLabels) || !errorLabels.every((l) => typeof l === 'string'))) {
    throw new CommandError(ErrorCodes.TypeMismatch, `'data.errorLabels' must be an array of strings`);
  }
  const wce = data['writeConcernError'];
  if (wce !== undefined && !isPlainObject(wce)) throw new CommandError(ErrorCodes.TypeMismatch, `'data.writeConcernError' must be an object`);
  const extra = data['errorExtraInfo'];
  const blockConnection = optionalBoolean(data, 'blockConnection', false);
  const blockTimeMS = optionalInteger(data, 'blockTimeMS');
  if (blockConnection && (blockTimeMS === undefined || blockTimeMS < 0)) {
    throw new CommandError(ErrorCodes.BadValue, `'blockTimeMS' must be a non-negative integer when 'blockConnection' is true`);
  }
  return {
    failCommands: failCommands as string[],
    closeConnection: optionalBoolean(data, 'closeConnection', false),
    errorCode: optionalInteger(data, 'errorCode'),
    errorLabels: errorLabels as string[] | undefined,
    writeConcernError: wce as Doc | undefined,
    appName: optionalString(data, 'appName'),
    blockConnection,
    blockTimeMS: blockTimeMS ?? 0,
    namespace: optionalString(data, 'namespace'),
    failInternalCommands: optionalBoolean(data, 'failInternalCommands', false),
    errorExtraInfo: isPlainObject(extra) ? extra : undefined,
  };
}

function parsePrimaryTransactionalWriteData(data: Doc): PrimaryTransactionalWriteData {
  return {
    closeConnection: optionalBoolean(data, 'closeConnection', true),
    failBeforeCommitExceptionCode: optionalInteger(data, 'failBeforeCommitExceptionCode'),
  };
}

/** Consumes one matching activation according to the mode; true iff the fail point fires. */
function fire(state: FailPointState<unknown>): boolean {
  const mode = state.mode;
  switch (mode.kind) {
    case 'off': return false;
    case 'alwaysOn': break;
    case 'times':
      if (mode.remaining <= 0) {
        state.mode = { kind: 'off' };
        return false;
      }
      mode.remaining -= 1;
      if (mode.remaining === 0) state.mode = { kind: 'off' };
      break;
    case 'skip':
      if (mode.remaining > 0) {
        mode.remaining -= 1;
        return false;
      }
      state.mode = { kind: 'alwaysOn' };
      break;
  }
  state.timesEntered += 1;
  return true;
}

/** What the command dispatcher knows about a command when it asks the fail points. */
export interface CommandContext {
  readonly commandName: string;
  readonly namespace: string;
  readonly appName: string | undefined;
  readonly internal: boolean;
}

export class FailPoints {
  private readonly failCommand: FailPointState<FailCommandData> = { mode: { kind: 'off' }, data: undefined, rawData: {}, timesEntered: 0 };
  private readonly primaryTxnWrite: FailPointState<PrimaryTransactionalWriteData> = { mode: { kind: 'off' }, data: undefined, rawData: {}, timesEntered: 0 };

  /** Runs `configureFailPoint`; returns the reply body. Throws CommandError on bad input. */
  configure(body: Readonly<Doc>): Doc {
    const name = body['configureFailPoint'];
    if (typeof name !== 'string') throw new CommandError(ErrorCodes.TypeMismatch, `'configureFailPoint' must be the fail point name (a string)`);
    const state = name === 'failCommand' ? this.failCommand : name === 'onPrimaryTransactionalWrite' ? this.primaryTxnWrite : undefined;
    if (state === undefined) throw new CommandError(ErrorCodes.BadValue, `Cannot find failPoint: ${name}`);
    if (body['mode'] === undefined) throw new CommandError(ErrorCodes.BadValue, `Missing required 'mode' field`);
    const mode = parseMode(body['mode']);
    const rawData = body['data'] === undefined ? {} : body['data'];
    if (!isPlainObject(rawData)) throw new CommandError(ErrorCodes.TypeMismatch, `'data' must be an object`);
    const previous = state.timesEntered;
    if (mode.kind === 'off') {
      state.data = undefined as never;
    } else if (name === 'failCommand') {
      this.failCommand.data = parseFailCommandData(rawData);
    } else {
      this.primaryTxnWrite.data = parsePrimaryTransactionalWriteData(rawData);
    }
    state.mode = mode;
    state.rawData = rawData;
    state.timesEntered = 0;
    return { count: previous, mode: body['mode'], data: rawData, ok: 1 };
  }

  /** The `failCommand` data to act on for this command, or undefined; consumes one activation when it fires. */
  checkFailCommand(context: CommandContext): FailCommandData | undefined {
    const state = this.failCommand;
    const data = state.data;
    if (state.mode.kind === 'off' || data === undefined) return undefined;
    if (context.internal && !data.failInternalCommands) return undefined;
    if (!failCommandsName(data.failCommands, context.commandName)) return undefined;
    if (data.appName !== undefined && data.appName !== context.appName) return undefined;
    if (data.namespace !== undefined && data.namespace !== context.namespace) return undefined;
    return fire(state) ? data : undefined;
  }

  checkPrimaryTransactionalWrite(): PrimaryTransactionalWriteData | undefined {
    const state = this.primaryTxnWrite;
    if (state.mode.kind === 'off' || state.data === undefined) return undefined;
    return fire(state) ? state.data : undefined;
  }

  /** Every fail point off (a restarted process starts with none). */
  reset(): void {
    this.failCommand.mode = { kind: 'off' };
    this.failCommand.data = undefined;
    this.primaryTxnWrite.mode = { kind: 'off' };
    this.primaryTxnWrite.data = undefined;
  }
}

/**
 * The server matches failCommands against the command's registered name, and hello, isMaster
 * and ismaster are one command under three names (which one is registered changed across
 * versions: "isMaster" before 5.0, "hello" since). Tests list the spellings their target
 * servers register (e.g. ["hello", "ismaster"]), so any spelling of hello matches any other.
 */
const helloSpellings: ReadonlySet<string> = new Set(['hello', 'isMaster', 'ismaster']);

function failCommandsName(failCommands: readonly string[], commandName: string): boolean {
  if (failCommands.includes(commandName)) return true;
  return helloSpellings.has(commandName) && failCommands.some((name) => helloSpellings.has(name));
}
