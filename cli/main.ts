#!/usr/bin/env node
/**
 * The `mongosim` command. With no arguments (or only --seed/--json) it runs the main job:
 * the PyMongo high-availability tutorial, played against simulated servers in virtual time.
 */
import { readFileSync } from 'node:fs';
import { specCommand, SPEC_USAGE } from './spec-command.js';
import { runScenarioCommand, RUN_USAGE } from './run-command.js';
import { tutorialCommand, TUTORIAL_USAGE } from './tutorial-command.js';
import { isSetupError, oneLineMessage, UsageError } from './usage-error.js';
import { serveCommand, SERVE_USAGE } from './serve-command.js';
import { packageRoot } from '../spec-tests/package-root.js';

const USAGE = `Usage: mongosim [command] [options]

Commands:
  (none)      the main job: the high-availability tutorial on the simulator
              (mongosim [--seed N] [--json] [--html FILE])
  spec        run the official specification suites (mongosim spec --help)
  run FILE    run a simulator scenario (mongosim run --help)
  serve       serve a simulated cluster to real drivers over TCP (mongosim serve --help)
  help        show this help
  --version   print the version

${TUTORIAL_USAGE}

${SPEC_USAGE}

${RUN_USAGE}

${SERVE_USAGE}`;

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
        return await tutorialCommand([]);
      case 'tutorial':
        return await tutorialCommand(rest);
      case 'spec':
        return await specCommand(rest, env, out);
      case 'run':
        return await runScenarioCommand(rest);
      case 'fuzz': return await (await import('./fuzz-command.js')).fuzzCommand(rest, env);
      case 'serve': return await serveCommand(rest);
      case 'help':
      case '--help':
      case '-h':
        out(USAGE);
        return 0;
      case '--version':
        out(version());
        return 0;
      default:
        // `mongosim --seed 3 --json` is the main job with options.
        if (command.startsWith('--')) return await tutorialCommand(argv);
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
