#!/usr/bin/env node
/**
 * The `mongosim` command. With no arguments (or only --seed/--json) it runs the main job:
 * the PyMongo high-availability tutorial, played against simulated servers in virtual time.
 */
import { readFileSync } from 'node:fs';
import { isSetupError, oneLineMessage, UsageError } from './usage-error.js';
import { packageRoot } from '../spec-tests/package-root.js';

/*
 * Each command's module is imported when that command runs, not up front: the simulator,
 * the client and the TCP server cost about 0.2 s of CPU to load, and `mongosim spec` (whose
 * whole-process time is a goal of issue 14) needs none of them.
 */
const loadSpec = (): Promise<typeof import('./spec-command.js')> => import('./spec-command.js');
const loadRun = (): Promise<typeof import('./run-command.js')> => import('./run-command.js');
const loadTutorial = (): Promise<typeof import('./tutorial-command.js')> => import('./tutorial-command.js');
const loadServe = (): Promise<typeof import('./serve-command.js')> => import('./serve-command.js');
const loadFuzz = (): Promise<typeof import('./fuzz-command.js')> => import('./fuzz-command.js');

async function usage(): Promise<string> {
  const [{ TUTORIAL_USAGE }, { SPEC_USAGE }, { RUN_USAGE }, { SERVE_USAGE }, { FUZZ_USAGE }] = await Promise.all([loadTutorial(), loadSpec(), loadRun(), loadServe(), loadFuzz()]);
  return `Usage: mongosim [command] [options]

Commands:
  (none)      the main job: the high-availability tutorial on the simulator
              (mongosim [--seed N] [--json] [--html FILE])
  spec        run the official specification suites (mongosim spec --help)
  run FILE    run a simulator scenario (mongosim run --help)
  serve       serve a simulated cluster to real drivers over TCP (mongosim serve --help)
  fuzz        fuzz replica-set failover through the driver (mongosim fuzz --help)
  help        show this help
  --version   print the version

${TUTORIAL_USAGE}

${SPEC_USAGE}

${RUN_USAGE}

${SERVE_USAGE}

${FUZZ_USAGE}`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(`${packageRoot}/package.json`, 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        return await (await loadTutorial()).tutorialCommand([]);
      case 'tutorial':
        return await (await loadTutorial()).tutorialCommand(rest);
      case 'spec':
        return await (await loadSpec()).specCommand(rest, env, out);
      case 'run':
        return await (await loadRun()).runScenarioCommand(rest);
      case 'fuzz': return await (await loadFuzz()).fuzzCommand(rest, env);
      case 'serve': return await (await loadServe()).serveCommand(rest);
      case 'help':
      case '--help':
      case '-h':
        out(await usage());
        return 0;
      case '--version':
        out(version());
        return 0;
      default:
        // `mongosim --seed 3 --json` is the main job with options.
        if (command.startsWith('--')) return await (await loadTutorial()).tutorialCommand(argv);
        throw new UsageError(`unknown command '${command}'. Run 'mongosim help' for the list.`);
    }
  } catch (err) {
    // Expected problems (bad arguments, missing or changed spec files) get a plain message;
    // anything else is a bug and keeps its stack.
    const known = isSetupError(err);
    process.stderr.write(`mongosim: ${known ? oneLineMessage(err) : ((err as Error).stack ?? String(err))}\n`);
    return known ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
