/** A FIFO with O(1) amortised push and shift, and a cheap put-back at the front (a batch that failed). */
export class Deque<T> {
  #items: T[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head]!;
    this.#items[this.#head++] = undefined as T;
    // Compact now and then so the array does not grow forever.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Puts items back at the front, in their order. */
  unshiftAll(items: T[]): void {
    if (items.length <= this.#head) {
      this.#head -= items.length;
      for (let index = 0; index < items.length; index++) this.#items[this.#head + index] = items[index]!;
    } else {
      this.#items = items.concat(this.#items.slice(this.#head));
      this.#head = 0;
    }
  }
}
