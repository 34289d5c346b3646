/**
 * The main job, `mongosim [--seed N] [--json]`: plays the high-availability tutorial
 * (cli/tutorial.ts) and prints its timeline, or one JSON object. The same seed prints the same
 * bytes. Exit status: 0 when every check holds, 1 when one fails, 2 for a bad command line.
 */
import { parseArgs } from 'node:util';
import { runTutorial, type TimelineKind, type TutorialResult } from './tutorial.js';
import { openPictureFile, PictureFileError, writePictureFile } from './picture/file.js';
import { tutorialPicture } from './picture/from-tutorial.js';
import { renderPicture } from './picture/render.js';

export type { TutorialResult } from './tutorial.js';

export const TUTORIAL_USAGE = `Usage: mongosim [--seed N] [--json] [--html FILE]

Runs the PyMongo high-availability tutorial against the simulator, in virtual time:
  1 replSetInitiate over a directConnection client   6 tag sets with fallback
  2 discovery from one seed                         7 localThresholdMS=35
  3 primary killed: a read fails once, a write is    8 three mongoses at 20/35/40 ms
    retried after the election                      9 maxStalenessSeconds=90
  4 old primary rejoins as a secondary
  5 secondaryPreferred / secondary
  --seed N   the seed of every simulated world (default 1); same seed, same output
  --json     print one JSON object: {seed, ok, checks, failed, timeline: [...]}
  --html FILE  also write the timeline as a picture: one self-contained HTML page
             (lanes per member, mongos and client; zoom, pan and hover; no network)
Exit status: 0 every check held, 1 a check failed, 2 bad arguments.`;

/** The seed when none is given. */
export const defaultTutorialSeed = 1;

// ---- output --------------------------------------------------------------------------------

const kindLabels: Readonly<Record<TimelineKind, string>> = {
  section: '',
  cluster: 'cluster',
  client: 'client',
  op: 'op',
  error: 'error',
  retry: 'retry',
  check: 'check',
};

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`.padStart(10);
}

export function formatTimeline(result: TutorialResult): string {
  const lines: string[] = [`mongosim: the PyMongo high-availability tutorial in the simulator (seed ${result.seed}; times are virtual)`];
  for (const e of result.timeline) {
    if (e.kind === 'section') lines.push('', `== ${e.text} ==`);
    else lines.push(`${formatSeconds(e.atMs)}  ${kindLabels[e.kind].padEnd(7)}  ${e.text}`);
  }
  lines.push('', result.ok ? `All ${result.checks} checks held.` : `${result.failed.length} of ${result.checks} checks FAILED:\n${result.failed.map((f) => `  ${f}`).join('\n')}`);
  return lines.join('\n');
}

class TutorialUsageError extends Error {}

function parseTutorialArgs(argv: string[]): { seed: number; json: boolean; help: boolean; html: string | undefined } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: { seed: { type: 'string' }, json: { type: 'boolean', default: false }, html: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (error) {
    throw new TutorialUsageError((error as Error).message);
  }
  const { values } = parsed;
  let seed = defaultTutorialSeed;
  if (values.seed !== undefined) {
    if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(Number(values.seed))) throw new TutorialUsageError(`--seed ${JSON.stringify(values.seed)} must be a non-negative integer`);
    seed = Number(values.seed);
  }
  return { seed, json: values.json === true, help: values.help === true, html: values.html };
}

/** `mongosim [--seed N] [--json]`: returns the exit status. */
export async function tutorialCommand(argv: string[], out: (text: string) => void = (text) => void process.stdout.write(`${text}\n`)): Promise<number> {
  let args;
  try {
    args = parseTutorialArgs(argv);
  } catch (error) {
    if (!(error instanceof TutorialUsageError)) throw error;
    process.stderr.write(`mongosim: ${error.message}\nRun 'mongosim --help' for usage.\n`);
    return 2;
  }
  if (args.help) {
    out(TUTORIAL_USAGE);
    return 0;
  }
  let html;
  try {
    html = args.html === undefined ? undefined : openPictureFile(args.html);
  } catch (error) {
    if (!(error instanceof PictureFileError)) throw error;
    process.stderr.write(`mongosim: ${error.message}\n`);
    return 2;
  }
  const result = await runTutorial(args.seed);
  if (html !== undefined) writePictureFile(html, renderPicture(tutorialPicture(result)));
  out(args.json ? JSON.stringify(result) : formatTimeline(result));
  return result.ok ? 0 : 1;
}
