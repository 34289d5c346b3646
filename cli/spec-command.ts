/** `mongosim spec [--suite NAME]... [--specs DIR] [--json] [--junit FILE]`: the conformance report. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { locateSpecs, SPECS_ENV_VAR } from '../spec-tests/locate.js';
import { loadSuites } from '../spec-tests/registry.js';
import { readSkips } from '../spec-tests/skips.js';
import { formatHuman, formatJunit, runReport, toJson, totals } from '../spec-tests/report.js';
import { isSetupError, oneLineMessage, UsageError } from './usage-error.js';

export const SPEC_USAGE = `Usage: mongosim spec [--suite NAME]... [--specs DIR] [--json] [--junit FILE] [--json-file FILE]

Runs the official MongoDB specification suites and prints a conformance table.
  --suite NAME   run only this suite (repeatable); default: every suite
  --specs DIR    use this specifications tree, unverified (default: ${SPECS_ENV_VAR},
                 then ../shared/specifications, then .cache/specifications, verified
                 against fixtures/specifications.lock)
  --json         print exactly one JSON object instead of the table
  --junit FILE   also write JUnit XML to FILE
  --json-file F  also write the JSON object to file F (the table still prints)
Exit status: 0 when nothing failed, 1 when a test failed, 2 on a usage or setup error.`;

export async function specCommand(argv: string[], env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<number> {
  try {
    return await specCommandOrThrow(argv, env, out);
  } catch (error) {
    // `--json` promises exactly one object on stdout, a setup error included; the caller prints
    // the same error as one line on stderr and exits 2. (argv, because the flags may not have parsed.)
    if (isSetupError(error) && argv.includes('--json')) out(JSON.stringify({ error: oneLineMessage(error) }));
    throw error;
  }
}

async function specCommandOrThrow(argv: string[], env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string', multiple: true },
      specs: { type: 'string' },
      json: { type: 'boolean', default: false },
      junit: { type: 'string' },
      'json-file': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    out(SPEC_USAGE);
    return 0;
  }
  // Output files are checked before the suites run: a typo should not cost a whole report.
  if (values.junit !== undefined) assertWritable('--junit', values.junit);
  if (values['json-file'] !== undefined) assertWritable('--json-file', values['json-file']);
  const all = await loadSuites();
  const wanted = values.suite ?? [];
  const unknown = wanted.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown suite ${unknown.map((u) => `'${u}'`).join(', ')}; known suites: ${all.map((s) => s.name).join(', ')}`);
  }
  const suites = wanted.length > 0 ? all.filter((s) => wanted.includes(s.name)) : all;
  const tree = locateSpecs({ flagDir: values.specs, envDir: env[SPECS_ENV_VAR] });
  const report = await runReport({ tree, suites, skips: readSkips() });
  if (values.junit) writeOutput('--junit', values.junit, formatJunit(report));
  if (values['json-file']) writeOutput('--json-file', values['json-file'], `${JSON.stringify(toJson(report))}\n`);
  out(values.json ? JSON.stringify(toJson(report)) : formatHuman(report));
  return totals(report).failed > 0 ? 1 : 0;
}

function cannotWrite(flag: string, file: string, reason: string): UsageError {
  return new UsageError(`${flag} ${file}: cannot write: ${reason}`);
}

/** The file must be writable: an existing regular file we may write, or a new name in a writable directory. */
function assertWritable(flag: string, file: string): void {
  if (file.length === 0) throw cannotWrite(flag, file, 'empty file name');
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    stat = undefined;
  }
  const check = (target: string, what: string): void => {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (error) {
      throw cannotWrite(flag, file, `${what} is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  if (stat !== undefined) {
    if (stat.isDirectory()) throw cannotWrite(flag, file, 'it is a directory');
    check(file, 'the file');
    return;
  }
  const dir = path.dirname(path.resolve(file));
  let dirStat: fs.Stats;
  try {
    dirStat = fs.statSync(dir);
  } catch {
    throw cannotWrite(flag, file, `no such directory ${dir}`);
  }
  if (!dirStat.isDirectory()) throw cannotWrite(flag, file, `${dir} is not a directory`);
  check(dir, `the directory ${dir}`);
}

/** Writes a report file; a failure (the disk filled, the path vanished) is a setup error, not a crash. */
function writeOutput(flag: string, file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (error) {
    throw cannotWrite(flag, file, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
}
