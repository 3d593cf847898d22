import { describe, expect, it } from 'vitest';
import type { SigningKey } from '../types';
import { formatFingerprint, keyStateTone, sortKeys } from './keys';

describe('formatFingerprint', () => {
  it('groups a v4 fingerprint like gpg', () => {
    expect(formatFingerprint('0123456789abcdef0123456789ABCDEF01234567')).toBe(
      '0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567',
    );
  });
  it('groups other lengths plainly', () => {
    expect(formatFingerprint('abcdef')).toBe('ABCD EF');
    expect(formatFingerprint('')).toBe('');
  });
});

describe('keys', () => {
  const key = (id: string, state: string, created_at: string): SigningKey => ({
    id,
    fingerprint: id,
    algorithm: 'ed25519',
    state,
    created_at,
    retire_at: null,
  });
  it('puts the current key first, then retiring, then retired', () => {
    const sorted = sortKeys([
      key('old', 'retired', '2025-01-01T00:00:00Z'),
      key('older', 'retired', '2024-01-01T00:00:00Z'),
      key('prev', 'retiring', '2026-01-01T00:00:00Z'),
      key('cur', 'current', '2026-06-01T00:00:00Z'),
    ]);
    expect(sorted.map((k) => k.id)).toEqual(['cur', 'prev', 'old', 'older']);
  });
  it('tones states', () => {
    expect(keyStateTone('current')).toBe('success');
    expect(keyStateTone('retiring')).toBe('warning');
    expect(keyStateTone('retired')).toBe('');
  });
});
