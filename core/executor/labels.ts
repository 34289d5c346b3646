/**
 * Error labels ("errorLabels", transactions.md "Error Labels") read from and added to error
 * objects without mutating them: the runtime owns the errors it hands in, so a labelled error
 * is a copy with the same prototype (instanceof and `name` still hold).
 */

/** The labels an error carries: its own `errorLabels` array of strings, or none. */
export function errorLabelsOf(error: unknown): readonly string[] {
  if (typeof error !== 'object' || error === null) return [];
  const labels = (error as { errorLabels?: unknown }).errorLabels;
  if (!Array.isArray(labels)) return [];
  return labels.filter((label): label is string => typeof label === 'string');
}

export function hasErrorLabel(error: unknown, label: string): boolean {
  return errorLabelsOf(error).includes(label);
}

/**
 * A copy of `error` whose `errorLabels` also holds `label`; `error` itself if it already has
 * it. The copy keeps the prototype and every own property (message, stack, code, ...).
 */
export function withErrorLabel<E extends Error>(error: E, label: string): E & { readonly errorLabels: readonly string[] } {
  const labels = errorLabelsOf(error);
  if (labels.includes(label)) return error as E & { readonly errorLabels: readonly string[] };
  const copy = Object.create(Object.getPrototypeOf(error) as object, Object.getOwnPropertyDescriptors(error)) as E;
  Object.defineProperty(copy, 'errorLabels', {
    value: Object.freeze([...labels, label]),
    enumerable: true,
    writable: false,
    configurable: true,
  });
  return copy as E & { readonly errorLabels: readonly string[] };
}
