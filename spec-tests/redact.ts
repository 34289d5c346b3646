/**
 * Keeps credentials out of the conformance report. Spec tests are full of connection strings
 * with passwords and of expected `auth` documents; a failing case's difference would print them
 * into the terminal, the --json object and the JUnit file that CI keeps. The brief's rule:
 * credentials never appear in errors, logs, events, inspect or JSON.
 */

/** Field names whose values are secrets: password, pwd, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, ... */
export const secretKeyPattern = /password|passwd|pwd|secret|token/i;
export const redactedValue = '<redacted>';

/** `scheme://userinfo@` → `scheme://<credentials>@` (the user name goes too: it may be a key id). */
const uriUserInfo = /([a-z][a-z0-9+.-]*:\/\/)[^@/\s"]*@/gi;
/** A JSON string, closed or cut off by a length bound (`…`) or the end of the text. */
const jsonString = String.raw`"(?:[^"\\]|\\.)*(?:"|…|$)`;
/** `"password":"…"` in rendered JSON. */
const secretJsonField = new RegExp(String.raw`("[^"]*(?:password|passwd|pwd|secret|token)[^"]*"\s*:\s*)(?:${jsonString}|[^,}\]\s]+)`, 'gi');
/** `auth.password: expected X, got Y` (the shape SpecMismatch prints) with primitive values. */
const secretPathDifference = new RegExp(
  String.raw`([\w.$\[\]-]*(?:password|passwd|pwd|secret|token)[\w\]-]*: expected )(${jsonString}|[^\s,]+)(, got )(${jsonString}|[^\s,()]+)`,
  'gi',
);

/** The text with URI credentials and secret field values replaced. */
export function redactSecrets(text: string): string {
  return text
    .replace(uriUserInfo, '$1<credentials>@')
    .replace(secretJsonField, `$1"${redactedValue}"`)
    .replace(secretPathDifference, `$1${redactedValue}$3${redactedValue}`);
}

/** A JSON.stringify replacer that hides the values of secret fields (used before any truncation). */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && secretKeyPattern.test(key) && value !== null && value !== undefined) return redactedValue;
  if (typeof value === 'string') return redactSecrets(value);
  return value;
}
