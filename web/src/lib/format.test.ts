import { describe, expect, it } from 'vitest';
import { formatBytes, formatDateTime, formatDuration, formatRelative, formatUtc, isPast, percentOf, secondsSince } from './format';

const now = Date.parse('2026-11-27T12:00:00Z');

describe('format', () => {
  it('shows the exact UTC instant', () => {
    expect(formatUtc('2026-11-27T09:14:03.123Z')).toBe('2026-11-27 09:14:03 UTC');
    expect(formatUtc(null)).toBe('');
  });
  it('says relative times in words', () => {
    expect(formatRelative('2026-11-27T11:59:50Z', now)).toBe('just now');
    expect(formatRelative('2026-11-27T11:57:00Z', now)).toBe('3 minutes ago');
    expect(formatRelative('2026-11-26T12:00:00Z', now)).toBe('yesterday');
    expect(formatRelative('2027-02-25T12:00:00Z', now)).toBe('in 3 months');
    expect(formatRelative(null, now)).toBe('—');
  });
  it('handles bad input without throwing', () => {
    expect(formatDateTime('not a date')).toBe('—');
    expect(isPast('2026-11-27T11:00:00Z', now)).toBe(true);
    expect(isPast('2026-11-28T11:00:00Z', now)).toBe(false);
    expect(isPast(null, now)).toBe(false);
  });
});

describe('formatBytes', () => {
  it('uses binary units with one decimal below 100', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(150 * 1024)).toBe('150 KiB');
    expect(formatBytes(512 * 1024 * 1024)).toBe('512 MiB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GiB');
    expect(formatBytes(5 * 1024 ** 5)).toBe('5120 TiB');
  });
  it('shows a dash for missing or nonsense sizes', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(undefined)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('percentOf', () => {
  it('clamps and floors', () => {
    expect(percentOf(0, 10)).toBe(0);
    expect(percentOf(5, 10)).toBe(50);
    expect(percentOf(999, 1000)).toBe(99);
    expect(percentOf(12, 10)).toBe(100);
    expect(percentOf(5, 0)).toBeNull();
    expect(percentOf(5, null)).toBeNull();
  });
});

describe('formatDuration', () => {
  it('shows a span in its two largest units', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45.9)).toBe('45 s');
    expect(formatDuration(720)).toBe('12 min');
    expect(formatDuration(3 * 3600 + 5 * 60 + 9)).toBe('3 h 5 min');
    expect(formatDuration(4 * 86400 + 2 * 3600 + 59)).toBe('4 d 2 h');
    expect(formatDuration(86400 + 30)).toBe('1 d');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });
  it('measures from a time to now', () => {
    expect(secondsSince('2026-11-27T11:59:00Z', now)).toBe(60);
    expect(secondsSince('2026-11-27T12:01:00Z', now)).toBe(0);
    expect(secondsSince(null, now)).toBeNull();
  });
});
