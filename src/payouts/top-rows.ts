/**
 * The first `limit` of the offered rows in `before` order, ties in offer order: what a stable sort of
 * every row followed by slice(0, limit) gives, holding only `limit` rows (a binary heap whose root is
 * the row that would be dropped next).
 */
export class TopRows<T> {
  private readonly heap: { row: T; n: number }[] = [];
  private offered = 0;
  constructor(
    private readonly limit: number,
    private readonly before: (a: T, b: T) => boolean,
  ) {}

  /** a ranks after b in the result: later by order, or equal and offered later. */
  private after(a: { row: T; n: number }, b: { row: T; n: number }): boolean {
    return this.before(b.row, a.row) || (!this.before(a.row, b.row) && a.n > b.n);
  }

  offer(row: T): void {
    const item = { row, n: this.offered++ };
    const h = this.heap;
    if (this.limit <= 0) return;
    if (h.length < this.limit) {
      h.push(item);
      for (let i = h.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!this.after(h[i], h[parent])) break;
        [h[i], h[parent]] = [h[parent], h[i]];
        i = parent;
      }
      return;
    }
    if (!this.after(h[0], item)) return;
    h[0] = item;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < h.length && this.after(h[l], h[worst])) worst = l;
      if (r < h.length && this.after(h[r], h[worst])) worst = r;
      if (worst === i) break;
      [h[i], h[worst]] = [h[worst], h[i]];
      i = worst;
    }
  }

  sorted(): T[] {
    return [...this.heap].sort((a, b) => (this.after(a, b) ? 1 : this.after(b, a) ? -1 : 0)).map((x) => x.row);
  }
}
