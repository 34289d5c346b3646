/** Hostile inputs for "never throws" tests: objects whose every reflective operation throws. */

/**
 * A Proxy over `target` whose traps all throw (get, has, ownKeys, property descriptors,
 * prototype, set). The one exception is fast-check's own hooks (symbols registered under
 * "fast-check/"), so the test framework can clone and print generated values.
 */
export function throwingProxy<T extends object>(target: T = {} as T, label = 'hostile'): T {
  const trap = (name: string) => () => {
    throw new Error(`${label}: ${name} trap`);
  };
  const isFrameworkHook = (key: string | symbol): boolean => typeof key === 'symbol' && (Symbol.keyFor(key) ?? '').startsWith('fast-check/');
  return new Proxy(target, {
    get: (_t, key) => {
      if (isFrameworkHook(key)) return Symbol.keyFor(key as symbol) === 'fast-check/toStringMethod' ? () => `<${label} proxy>` : undefined;
      return trap('get')();
    },
    has: (_t, key) => (isFrameworkHook(key) ? false : trap('has')()),
    ownKeys: trap('ownKeys'),
    getOwnPropertyDescriptor: trap('getOwnPropertyDescriptor'),
    getPrototypeOf: trap('getPrototypeOf'),
    set: trap('set'),
    defineProperty: trap('defineProperty'),
    deleteProperty: trap('deleteProperty'),
  });
}

/** An object with own "__proto__" and "constructor" keys (as JSON, BSON and YAML decoders make them). */
export function withPrototypeKeys(fields: Record<string, unknown> = {}, value: unknown = 'x'): Record<string, unknown> {
  return Object.fromEntries([...Object.entries(fields), ['__proto__', value], ['constructor', value]]);
}
