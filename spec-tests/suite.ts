/**
 * The contract between the conformance report and the runners of each official suite.
 *
 * A runner module lives in `spec-tests/suites/` and exports `suites: SpecSuite[]`; the
 * registry finds every such module, so adding a suite never edits a shared file. Runners
 * never read files themselves: the report loads (and, for the default tree, verifies) every
 * `.json` file under `dir` and hands each one over parsed.
 */

/** One parsed test file. */
export interface SpecFile {
  /** Path relative to the suite's `dir`, with `/` separators, e.g. `ReplicaSetNoPrimary/read/Nearest.json`. */
  readonly relPath: string;
  readonly json: unknown;
}

/** One unit of the report: a whole file, or one entry of a file's `tests` array. */
export interface SpecCase {
  /**
   * Unique within the suite and stable across runs; skips.yml refers to it.
   * File-unit suites use the relPath; test-unit suites use `relPath: description`.
   */
  readonly id: string;
  readonly file: string;
  readonly description: string;
  /** Throws (ideally a SpecMismatch naming the first difference) when the case fails. */
  run(): void | Promise<void>;
}

export interface SpecSuite {
  /** Stable name used by `--suite` and in reports, e.g. `sdam/rs`. */
  readonly name: string;
  /** Folder relative to the specifications root, e.g. `server-discovery-and-monitoring/tests/rs`. */
  readonly dir: string;
  /** Whether `.json` files in subfolders of `dir` belong to the suite. */
  readonly recursive: boolean;
  /** Splits one file into its units. May throw if the file's shape is not what the spec defines. */
  cases(file: SpecFile): SpecCase[];
}
