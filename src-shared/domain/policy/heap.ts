// A binary min-heap over an array, ordered by a comparator. push/pop O(log n), peek O(1). No removal by
// key: the policy index invalidates entries lazily (a version number) and pops stale ones when they
// surface, compacting the heap when stale entries outnumber live ones.
// A heap fills lazily: items pushed before its first peek or pop (an index being built from a whole tab)
// are only appended, and heapified once (O(n)) when it is first read, instead of sifted up one by one
// (O(n log n) comparisons for a heap nobody may read before the next rebuild).

export class BinaryHeap<T> {
  #items: T[] = [];
  /** False while items are only appended (since creation, a clear or a filter): heapify before reading. */
  #ordered = false;
  readonly #compare: (a: T, b: T) => number;

  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    if (!this.#ordered) this.#heapify();
    return this.#items[0];
  }

  push(item: T): void {
    const a = this.#items;
    a.push(item);
    if (!this.#ordered) return;
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = a[parent] as T;
      if (this.#compare(item, p) >= 0) break;
      a[i] = p;
      i = parent;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    if (!this.#ordered) this.#heapify();
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      this.#siftDown(0);
    }
    return top;
  }

  /** Keeps only the items `keep` accepts (O(n); ordered again when next read). */
  filter(keep: (item: T) => boolean): void {
    this.#items = this.#items.filter(keep);
    this.#ordered = false;
  }

  /** Every item, in no particular order. */
  toArray(): T[] {
    return [...this.#items];
  }

  /** Calls `f` on every item, in no particular order (no copy). */
  forEach(f: (item: T) => void): void {
    for (const item of this.#items) f(item);
  }

  clear(): void {
    this.#items = [];
    this.#ordered = false;
  }

  #heapify(): void {
    for (let i = (this.#items.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
    this.#ordered = true;
  }

  #siftDown(start: number): void {
    const a = this.#items;
    const n = a.length;
    const item = a[start] as T;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.#compare(a[r] as T, a[l] as T) < 0 ? r : l;
      const c = a[child] as T;
      if (this.#compare(c, item) >= 0) break;
      a[i] = c;
      i = child;
    }
    a[i] = item;
  }
}
