import { describe, expect, it } from 'vitest';
import { formatDateTime, formatRelative, formatUtc, isPast } from './format';

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
