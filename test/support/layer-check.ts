/**
 * The import rule between the top-level folders (the brief's "Imports run one way"):
 *   core → nothing (not even Node built-ins); client → core; sim → core;
 *   harness and net → client, sim, core; spec-tests, cli, bench, test → anything.
 * Each layer may also use the npm packages listed for it. `findLayerViolations` reads one
 * source file's imports (static, dynamic, `export … from`, require), ignoring comments and
 * strings, and names every import that breaks the rule.
 */
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { blankCommentsAndStrings } from './purity-check.js';

export type Layer = 'core' | 'client' | 'sim' | 'harness' | 'net' | 'spec-tests' | 'cli' | 'bench' | 'test' | 'root';

interface LayerRule {
  /** Top-level folders this layer may import from (its own is always allowed). */
  readonly folders: readonly Layer[] | 'any';
  /** npm packages (by name) it may import. */
  readonly packages: readonly string[] | 'any';
  readonly nodeBuiltins: boolean;
}

const anything: LayerRule = { folders: 'any', packages: 'any', nodeBuiltins: true };

export const layerRules: Readonly<Record<Layer, LayerRule>> = {
  // The pure core: its own modules and the official BSON codec (pure JavaScript, no I/O).
  core: { folders: [], packages: ['bson'], nodeBuiltins: false },
  client: { folders: ['core'], packages: ['bson'], nodeBuiltins: true },
  sim: { folders: ['core'], packages: ['bson', 'pure-rand', 'js-yaml'], nodeBuiltins: false },
  // fast-check: the failover fuzzer (harness/fuzz) generates and shrinks its cases with it.
  harness: { folders: ['client', 'sim', 'core'], packages: ['bson', 'fast-check'], nodeBuiltins: true },
  net: { folders: ['client', 'sim', 'core'], packages: ['bson'], nodeBuiltins: true },
  // The package entry points re-export the library layers.
  root: { folders: ['core', 'client', 'sim', 'harness', 'net'], packages: [], nodeBuiltins: false },
  'spec-tests': anything,
  cli: anything,
  bench: anything,
  test: anything,
};

export const layers = Object.keys(layerRules) as Layer[];

export interface LayerViolation {
  readonly line: number;
  readonly specifier: string;
  readonly why: string;
}

const builtins = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The layer of a path relative to the repository root (`core/sdam/x.ts` → core). */
export function layerOf(relativePath: string): Layer | null {
  const parts = relativePath.split(/[\\/]/);
  if (parts.length === 1) return 'root';
  const top = parts[0] as Layer;
  return top in layerRules && top !== 'root' ? top : null;
}

/**
 * Every import of `source` (the file at `relativePath`) that breaks the layer rule. Relative
 * specifiers are resolved against the file's folder; one that leaves the repository is a
 * violation too.
 */
export function findLayerViolations(relativePath: string, source: string): LayerViolation[] {
  const layer = layerOf(relativePath);
  if (layer === null) return [{ line: 1, specifier: relativePath, why: `is not in a known top-level folder (${layers.join(', ')})` }];
  const rule = layerRules[layer];
  const code = blankCommentsAndStrings(source);
  const lineOf = (index: number): number => source.slice(0, index).split('\n').length;
  const importRe = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;
  const found: LayerViolation[] = [];
  for (const m of source.matchAll(importRe)) {
    // An import keyword inside a comment or a string is blanked in `code`: not an import.
    if (code[m.index] !== source[m.index]) continue;
    const specifier = m[2]!;
    const line = lineOf(m.index);
    if (specifier.startsWith('.')) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(relativePath.replace(/\\/g, '/')), specifier));
      if (target.startsWith('..')) {
        found.push({ line, specifier, why: 'leaves the repository' });
        continue;
      }
      const targetLayer = layerOf(target);
      if (targetLayer === layer) continue;
      if (rule.folders === 'any') continue;
      if (targetLayer === null || !rule.folders.includes(targetLayer)) {
        const allowed = rule.folders.length === 0 ? 'nothing outside it' : rule.folders.join(', ');
        found.push({ line, specifier, why: `${layer}/ imports ${targetLayer ?? target}/, but ${layer}/ may import ${allowed}` });
      }
    } else if (specifier.startsWith('node:') || builtins.has(packageName(specifier))) {
      if (!rule.nodeBuiltins) found.push({ line, specifier, why: `${layer}/ may not import Node built-ins` });
    } else if (rule.packages !== 'any' && !rule.packages.includes(packageName(specifier))) {
      found.push({ line, specifier, why: `${layer}/ may import the packages ${rule.packages.join(', ') || '(none)'} only` });
    }
  }
  return found;
}
