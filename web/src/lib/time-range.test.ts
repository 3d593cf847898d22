import { describe, expect, it } from 'vitest';
import {
  customRangeError,
  decodeRange,
  encodeRange,
  fromLocalInput,
  presetOf,
  rangeLabel,
  rangeMs,
  resolveRange,
  toLocalInput,
} from './time-range';

const H = 3600_000;

describe('time ranges', () => {
  it('resolves relative ranges against now and fixed ones as they are', () => {
    expect(resolveRange({ kind: 'last', ms: H }, 10 * H)).toEqual({ start: 9 * H, end: 10 * H });
    expect(resolveRange({ kind: 'between', start: 1, end: 2 }, 10 * H)).toEqual({ start: 1, end: 2 });
    expect(rangeMs({ kind: 'between', start: H, end: 3 * H })).toBe(2 * H);
    expect(presetOf({ kind: 'last', ms: 24 * H })?.id).toBe('24h');
    expect(presetOf({ kind: 'last', ms: 3 * H })).toBeNull();
  });
  it('round-trips through the address', () => {
    for (const r of [
      { kind: 'last', ms: 6 * H },
      { kind: 'last', ms: 3 * H },
      { kind: 'between', start: 1_700_000_000_000, end: 1_700_003_600_000 },
    ] as const)
      expect(decodeRange(encodeRange(r))).toEqual(r);
    expect(encodeRange({ kind: 'last', ms: 7 * 24 * H })).toBe('7d');
    expect(decodeRange('5-3')).toBeNull();
    expect(decodeRange('bogus')).toBeNull();
    expect(decodeRange(null)).toBeNull();
  });
  it('reads and writes datetime-local values in local time', () => {
    const ms = new Date(2026, 10, 27, 14, 5).getTime();
    expect(toLocalInput(ms)).toBe('2026-11-27T14:05');
    expect(fromLocalInput('2026-11-27T14:05')).toBe(ms);
    expect(fromLocalInput('2026-02-30T10:00')).toBeNull();
    expect(fromLocalInput('yesterday')).toBeNull();
  });
  it('explains what is wrong with a custom range', () => {
    const now = 100 * H;
    expect(customRangeError(null, now, now)).toMatch(/starts/);
    expect(customRangeError(now - H, null, now)).toMatch(/ends/);
    expect(customRangeError(now, now - H, now)).toMatch(/after the start/);
    expect(customRangeError(now + H, now + 2 * H, now)).toMatch(/future/);
    expect(customRangeError(now - 1000, now, now)).toMatch(/one minute/);
    expect(customRangeError(now - H, now + H, now)).toBeNull();
  });
});

describe('rangeLabel', () => {
  it('names presets, other relative ranges and fixed spans', () => {
    expect(rangeLabel({ kind: 'last', ms: 6 * H })).toBe('Last 6 hours');
    expect(rangeLabel({ kind: 'last', ms: 3 * H })).toBe('Last 3 hours');
    expect(rangeLabel({ kind: 'last', ms: 90 * 60_000 })).toBe('Last 90 minutes');
    expect(rangeLabel({ kind: 'last', ms: 2 * 24 * H })).toBe('Last 2 days');
    const start = new Date(2026, 10, 27, 14, 0).getTime();
    expect(rangeLabel({ kind: 'between', start, end: start + H })).toMatch(/14:00 – .*15:00/);
  });
});
