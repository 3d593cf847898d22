import { describe, expect, it } from 'vitest';
import { fetchAll } from './paging';

describe('fetchAll', () => {
  it('follows next_cursor to the end', async () => {
    const pages: Record<string, { items: number[]; next_cursor: string | null }> = {
      '': { items: [1, 2], next_cursor: 'b' },
      b: { items: [3], next_cursor: 'c' },
      c: { items: [4], next_cursor: null },
    };
    const seen: (string | null)[] = [];
    const all = await fetchAll(async (cursor) => {
      seen.push(cursor);
      return pages[cursor ?? '']!;
    });
    expect(all).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([null, 'b', 'c']);
  });
  it('stops at the page limit', async () => {
    const all = await fetchAll(async () => ({ items: [1], next_cursor: 'again' }), 3);
    expect(all).toEqual([1, 1, 1]);
  });
});
