/**
 * The invariant checker's record of majority-committed entries: timestamp → term, in timestamp
 * order, with the oldest forgotten once no member can lose them any more. A sorted pair of
 * arrays with a moving head: lookups are a binary search, appends in timestamp order (the usual
 * case: entries commit in oplog order) are O(1), and forgetting the front is amortised O(1) —
 * a Map with deletes at the front made every later scan walk the deleted slots.
 */
export class CommittedLog {
  private ts: number[] = [];
  private terms: number[] = [];
  private head = 0;

  get size(): number {
    return this.ts.length - this.head;
  }

  /** The term committed at `ts`, or undefined. */
  get(ts: number): number | undefined {
    const i = this.find(ts);
    return i >= 0 ? this.terms[i] : undefined;
  }

  /** Records `ts` → `term` unless `ts` is already recorded; returns the term recorded first. */
  add(ts: number, term: number): number {
    const n = this.ts.length;
    if (n === this.head || (this.ts[n - 1] as number) < ts) {
      this.ts.push(ts);
      this.terms.push(term);
      return term;
    }
    const i = this.lowerBound(ts);
    if (i < n && this.ts[i] === ts) return this.terms[i] as number;
    // Out of order (rare): a member reports an entry older than the newest recorded.
    this.ts.splice(i, 0, ts);
    this.terms.splice(i, 0, term);
    return term;
  }

  /** Forgets every timestamp below `horizon`. */
  forgetBefore(horizon: number): void {
    this.head = this.lowerBound(horizon);
    if (this.head > 0 && this.head >= this.ts.length - this.head) {
      this.ts = this.ts.slice(this.head);
      this.terms = this.terms.slice(this.head);
      this.head = 0;
    }
  }

  private find(ts: number): number {
    const i = this.lowerBound(ts);
    return i < this.ts.length && this.ts[i] === ts ? i : -1;
  }

  /** First index ≥ head whose timestamp is ≥ `ts`. */
  private lowerBound(ts: number): number {
    let lo = this.head;
    let hi = this.ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ts[mid] as number) < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
