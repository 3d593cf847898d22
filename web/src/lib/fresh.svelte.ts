// Keys of rows that just arrived or changed live, each highlighted for a moment (the `fresh`
// row class) and then forgotten.
export class FreshKeys<K> {
  keys: ReadonlySet<K> = $state.raw(new Set());

  constructor(private readonly ms = 3500) {}

  mark(key: K): void {
    this.keys = new Set([...this.keys, key]);
    setTimeout(() => {
      const rest = new Set(this.keys);
      rest.delete(key);
      this.keys = rest;
    }, this.ms);
  }

  has(key: K): boolean {
    return this.keys.has(key);
  }
}
