/**
 * Type-checks the ```ts code blocks of a Markdown file against the package's own sources, so a
 * README example that uses an API that does not exist (or uses it wrongly) fails a test.
 *
 * Each block becomes one module. `mongosim` and `mongosim/<part>` resolve (tsconfig `paths`) to
 * the built declarations, dist/index.d.ts and dist/<part>/index.d.ts: what a user of the package
 * compiles against (npm test builds before it runs the tests; checking declarations instead of
 * sources also halves the time). A block that is a fragment declares the free names it uses in a prelude: an HTML
 * comment directly above the fence, `<!-- prelude: declare const now: number; -->`, invisible
 * on the rendered page. The prelude only declares names; every call in the block still has to
 * type-check against the real API.
 *
 * TypeScript 7 (the dev dependency) has no stable in-process compiler API yet, so the check
 * runs its `tsc` once over all blocks and maps each diagnostic back to a Markdown line.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CodeBlock {
  /** 1-based, in order of appearance among the ```ts blocks. */
  readonly index: number;
  /** Markdown line (1-based) of the block's first code line. */
  readonly line: number;
  readonly code: string;
  /** TypeScript declarations from the `<!-- prelude: ... -->` comment above the fence ('' if none). */
  readonly prelude: string;
}

export interface BlockProblem {
  readonly block: number;
  /** Markdown line of the problem (the block's fence line + 1 when it is in the prelude). */
  readonly line: number;
  readonly message: string;
}

/** Bound on blocks checked from one file (one module each). */
export const maxCodeBlocks = 200;

const fenceOpen = /^```(ts|typescript)\s*$/;
const preludeComment = /<!--\s*prelude:([\s\S]*?)-->\s*$/;

/** The ```ts / ```typescript blocks of `markdown`, with their preludes. Throws on an unclosed fence. */
export function extractTsBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)/.exec(lines[i]!);
    if (fence === null) continue;
    const start = i;
    let end = start + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    if (end >= lines.length) throw new Error(`line ${start + 1}: code block is never closed`);
    i = end;
    if (!fenceOpen.test(lines[start]!)) continue;
    if (blocks.length >= maxCodeBlocks) throw new Error(`more than ${maxCodeBlocks} ts code blocks (maxCodeBlocks)`);
    blocks.push({ index: blocks.length + 1, line: start + 2, code: lines.slice(start + 1, end).join('\n'), prelude: preludeAbove(lines, start) });
  }
  return blocks;
}

/** The prelude comment ending on the line right above the fence at `fenceIndex`, or ''. */
function preludeAbove(lines: readonly string[], fenceIndex: number): string {
  if (fenceIndex === 0 || !lines[fenceIndex - 1]!.trimEnd().endsWith('-->')) return '';
  let first = fenceIndex - 1;
  while (first > 0 && !lines[first]!.includes('<!--')) first--;
  const match = preludeComment.exec(lines.slice(first, fenceIndex).join('\n'));
  return match === null ? '' : match[1]!.trim();
}

export interface CheckOptions {
  /** The repository root (holds index.ts, core/, client/, sim/, harness/, node_modules/). */
  readonly root: string;
  /** Name of the Markdown file, for messages. */
  readonly source: string;
}

/** Type-checks every block; returns the problems (empty when every block compiles). */
export function typeCheckBlocks(blocks: readonly CodeBlock[], options: CheckOptions): BlockProblem[] {
  if (blocks.length === 0) return [];
  const { root } = options;
  if (!fs.existsSync(path.join(root, 'dist', 'index.d.ts'))) throw new Error(`no ${path.join(root, 'dist', 'index.d.ts')}: build first (npm run build)`);
  // Inside the repository so that node_modules (bson, @types/node) and package.json's
  // `"type": "module"` apply to the blocks as they do to a user's project.
  const cacheDir = path.join(root, '.cache');
  fs.mkdirSync(cacheDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(cacheDir, 'readme-blocks-'));
  try {
    const preludeLines = new Map<string, { block: CodeBlock; preludeLineCount: number }>();
    for (const block of blocks) {
      const file = `block-${block.index}.ts`;
      const prelude = block.prelude === '' ? [] : block.prelude.split('\n');
      // `export {}` makes every block a module (top-level await, no clashes between blocks).
      fs.writeFileSync(path.join(dir, file), [...prelude, block.code, 'export {};', ''].join('\n'));
      preludeLines.set(file, { block, preludeLineCount: prelude.length });
    }
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022'],
        types: ['node'],
        strict: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: true,
        noEmit: true,
        paths: { mongosim: [path.join(root, 'dist', 'index.d.ts')], 'mongosim/*': [path.join(root, 'dist', '*', 'index.d.ts')] },
      },
      files: [...preludeLines.keys()],
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: dir, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    if (r.error !== undefined) throw r.error;
    const output = `${r.stdout}${r.stderr}`;
    const problems = parseDiagnostics(output, dir, preludeLines, options.source);
    if (r.status !== 0 && problems.length === 0) throw new Error(`tsc failed without a diagnostic in a block (status ${r.status}):\n${output}`);
    return problems;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function parseDiagnostics(output: string, dir: string, files: ReadonlyMap<string, { block: CodeBlock; preludeLineCount: number }>, source: string): BlockProblem[] {
  const problems: BlockProblem[] = [];
  const diagnostic = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/;
  for (const line of output.split('\n')) {
    const m = diagnostic.exec(line);
    if (m === null) {
      // Elaboration lines of the previous diagnostic are indented.
      const last = problems[problems.length - 1];
      if (last !== undefined && /^\s+\S/.test(line)) problems[problems.length - 1] = { ...last, message: `${last.message}\n${line}` };
      continue;
    }
    const file = path.relative(dir, path.resolve(dir, m[1]!));
    const entry = files.get(file);
    if (entry === undefined) {
      problems.push({ block: 0, line: 0, message: `${m[1]}(${m[2]},${m[3]}): ${m[4]}` });
      continue;
    }
    const lineInFile = Number(m[2]);
    const inPrelude = lineInFile <= entry.preludeLineCount;
    const mdLine = inPrelude ? entry.block.line - 1 : entry.block.line + lineInFile - entry.preludeLineCount - 1;
    problems.push({ block: entry.block.index, line: mdLine, message: `${source}:${mdLine}: ${inPrelude ? '(prelude) ' : ''}${m[4]}` });
  }
  return problems;
}
