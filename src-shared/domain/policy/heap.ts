// A binary min-heap over an array, ordered by a comparator. push/pop O(log n), peek O(1). No removal by
// key: the policy index invalidates entries lazily (a version number) and pops stale ones when they
// surface, compacting the heap when stale entries outnumber live ones.

export class BinaryHeap<T> {
  #items: T[] = [];
  readonly #less: (a: T, b: T) => boolean;

  constructor(compare: (a: T, b: T) => number) {
    this.#less = (a, b) => compare(a, b) < 0;
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    const a = this.#items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = a[parent] as T;
      if (!this.#less(item, p)) break;
      a[i] = p;
      i = parent;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      this.#siftDown(0);
    }
    return top;
  }

  /** Keeps only the items `keep` accepts and re-heapifies (O(n)). */
  filter(keep: (item: T) => boolean): void {
    this.#items = this.#items.filter(keep);
    for (let i = (this.#items.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  /** Every item, in no particular order. */
  toArray(): T[] {
    return [...this.#items];
  }

  clear(): void {
    this.#items = [];
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
      const child = r < n && this.#less(a[r] as T, a[l] as T) ? r : l;
      const c = a[child] as T;
      if (!this.#less(c, item)) break;
      a[i] = c;
      i = child;
    }
    a[i] = item;
  }
}
