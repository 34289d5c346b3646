/**
 * Finds what would make a core/ module impure: imports of Node built-ins (with or without
 * the `node:` prefix, static or dynamic, or via require), timers, the wall clock, ambient
 * randomness, the process object, the console and fetch. Comments and string contents are
 * blanked before the identifier scan so prose ("the election process") does not count,
 * while import specifiers are checked separately.
 */
import { builtinModules } from 'node:module';

export interface PurityViolation {
  readonly line: number;
  readonly what: string;
}

const FORBIDDEN_IDENTIFIERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bsetTimeout\b/, 'setTimeout'],
  [/\bsetInterval\b/, 'setInterval'],
  [/\bsetImmediate\b/, 'setImmediate'],
  [/\bqueueMicrotask\b/, 'queueMicrotask'],
  [/(?<![.\w$])Date\b/, 'Date'],
  [/\bMath\s*\.\s*random\b/, 'Math.random'],
  [/\bperformance\s*\.\s*now\b/, 'performance.now'],
  [/(?<![.\w$])process\b/, 'process'],
  [/(?<![.\w$])console\b/, 'console'],
  [/(?<![.\w$])fetch\s*\(/, 'fetch'],
  [/(?<![.\w$])require\s*\(/, 'require'],
  [/(?<![.\w$])globalThis\b/, 'globalThis'],
];

const builtins = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtins.has(specifier) || builtins.has(specifier.split('/')[0]!);
}

/** Replaces comments and the contents of string/template literals with spaces, keeping line breaks. */
export function blankCommentsAndStrings(source: string): string {
  let out = '';
  let i = 0;
  const n = source.length;
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < n && source[j] !== c) {
        if (source[j] === '\\') j++;
        else if (c !== '`' && source[j] === '\n') break;
        j++;
      }
      out += c + blank(source.slice(i + 1, j)) + (j < n ? c : '');
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function findImpurities(source: string): PurityViolation[] {
  const found: PurityViolation[] = [];
  const lineOf = (index: number): number => source.slice(0, index).split('\n').length;
  const importRe = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;
  for (const m of source.matchAll(importRe)) {
    const specifier = m[2]!;
    if (isBuiltin(specifier)) found.push({ line: lineOf(m.index), what: `imports the Node built-in '${specifier}'` });
  }
  const code = blankCommentsAndStrings(source);
  code.split('\n').forEach((text, i) => {
    for (const [re, name] of FORBIDDEN_IDENTIFIERS) {
      if (re.test(text)) found.push({ line: i + 1, what: `uses ${name}` });
    }
  });
  return found;
}
