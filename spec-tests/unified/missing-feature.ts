/**
 * A unified test that needs something mongosim does not have (authentication, server-side
 * JavaScript, change streams, a client operation not written yet...). The runner throws this
 * instead of guessing; the report shows it as a failure until spec-tests/skips.yml lists the
 * test with the same feature as its reason, so a missing feature can never pass silently.
 */
export class MissingFeature extends Error {
  override readonly name = 'MissingFeature';
  constructor(readonly feature: string) {
    super(`needs ${feature}`);
  }
}
