import { SpecTreeError } from '../spec-tests/locate.js';
import { SkipsFileError } from '../spec-tests/skips.js';

/** A mistake in how the command was called; printed without a stack, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Expected problems — bad arguments, a missing or changed spec tree, a bad skips file, an
 * output path that cannot be written — as opposed to bugs, which keep their stack.
 */
export function isSetupError(err: unknown): err is Error {
  return (
    err instanceof UsageError ||
    err instanceof SpecTreeError ||
    err instanceof SkipsFileError ||
    ((err as { code?: unknown } | null)?.code as string | undefined)?.startsWith?.('ERR_PARSE_ARGS') === true
  );
}

/** A setup error as the one line it is printed as (a message may not carry a newline to the terminal). */
export function oneLineMessage(err: Error): string {
  return err.message.replace(/\s*\n\s*/g, ' ');
}
