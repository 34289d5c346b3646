/**
 * The `--html FILE` output: opened before the run so an unwritable path fails at once (with one
 * line naming the file and the reason, exit status 2) rather than after a long run.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export class PictureFileError extends Error {
  override readonly name = 'PictureFileError';
}

export interface PictureFile {
  readonly path: string;
  readonly fd: number;
}

export function openPictureFile(path: string): PictureFile {
  if (path.length === 0) throw new PictureFileError('--html needs a file name');
  try {
    return { path, fd: openSync(path, 'w') };
  } catch (error) {
    throw new PictureFileError(`cannot write --html ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function writePictureFile(file: PictureFile, html: string): void {
  try {
    writeSync(file.fd, html);
  } catch (error) {
    throw new PictureFileError(`cannot write --html ${file.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    closeSync(file.fd);
  }
}
