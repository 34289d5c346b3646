/**
 * logging.md "Representing Documents in Log Messages" (relaxed Extended JSON) and
 * "Configurable Max Document Length": longer text is cut at the limit, naively (the result need
 * not be valid JSON), never inside a UTF-16 surrogate pair, and gets a trailing `...` that does
 * not count toward the limit. The unit is UTF-16 code units.
 */
import { EJSON } from 'bson';

/** logging.md: "The default max length is 1000". */
export const defaultMaxDocumentLength = 1000;
export const truncationMarker = '...';

export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = maxLength;
  // Never split a surrogate pair: round down to the code point boundary.
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + truncationMarker;
}

/** The document as relaxed Extended JSON, truncated to maxLength. */
export function documentText(doc: unknown, maxLength: number): string {
  let text: string;
  try {
    text = EJSON.stringify(doc as Record<string, unknown>, { relaxed: true });
  } catch (error) {
    // A value BSON cannot describe still gets a log line, saying why instead of the document.
    text = `<document not representable as Extended JSON: ${error instanceof Error ? error.message : String(error)}>`;
  }
  return truncateText(text, maxLength);
}
