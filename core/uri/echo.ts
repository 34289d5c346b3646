/**
 * Decides which parts of a connection string may be quoted back in an error or warning.
 *
 * Credentials must never appear in messages (project rule; connection-string-spec.md asks for
 * percent-encoded passwords precisely because they are easy to mis-split). A password with an
 * unescaped "/", "?" or "@" can land in what the splitter believes is a host, the database or
 * even an option, so "is this text the password?" cannot be answered by its role alone. Instead
 * the guard uses position: anything that starts before the last "@" of the whole string may be
 * (part of) userinfo and is described, never quoted. Text after it cannot hold the password.
 */

/** Longest piece of the input a message quotes, so messages stay short for any input. */
export const maxQuotedChars = 80;

export class EchoGuard {
  /** Offset of the last "@" in the connection string, or -1 when there is none. */
  private readonly lastAtOffset: number;

  constructor(uri: string) {
    this.lastAtOffset = uri.lastIndexOf('@');
  }

  /** Whether text starting at `offset` may be quoted. */
  canQuote(offset: number): boolean {
    return offset > this.lastAtOffset;
  }

  /**
   * A quoted rendering of `text` (which starts at `offset` in the connection string), or
   * `hidden` when the text could contain credentials.
   */
  quote(text: string, offset: number, hidden = '(not shown: it may contain credentials)'): string {
    if (!this.canQuote(offset)) return hidden;
    return quoteText(text);
  }
}

/** JSON-style quoting (escapes control characters) with a length cap. */
export function quoteText(text: string): string {
  const cut = text.length > maxQuotedChars ? `${text.slice(0, maxQuotedChars)}…` : text;
  return JSON.stringify(cut);
}
