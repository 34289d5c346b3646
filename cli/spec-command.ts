/** `mongosim spec [--suite NAME]... [--specs DIR] [--json] [--junit FILE]`: the conformance report. */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { locateSpecs, SPECS_ENV_VAR } from '../spec-tests/locate.js';
import { loadSuites } from '../spec-tests/registry.js';
import { readSkips } from '../spec-tests/skips.js';
import { formatHuman, formatJunit, runReport, toJson, totals } from '../spec-tests/report.js';
import { UsageError } from './usage-error.js';

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
  const all = await loadSuites();
  const wanted = values.suite ?? [];
  const unknown = wanted.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown suite ${unknown.map((u) => `'${u}'`).join(', ')}; known suites: ${all.map((s) => s.name).join(', ')}`);
  }
  const suites = wanted.length > 0 ? all.filter((s) => wanted.includes(s.name)) : all;
  const tree = locateSpecs({ flagDir: values.specs, envDir: env[SPECS_ENV_VAR] });
  const report = await runReport({ tree, suites, skips: readSkips() });
  if (values.junit) fs.writeFileSync(values.junit, formatJunit(report));
  if (values['json-file']) fs.writeFileSync(values['json-file'], `${JSON.stringify(toJson(report))}\n`);
  out(values.json ? JSON.stringify(toJson(report)) : formatHuman(report));
  return totals(report).failed > 0 ? 1 : 0;
}
