/** The package root, found from this module's location (two levels below it, in dist/spec-tests). */
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

export const packageRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
