import { describe, expect, it } from 'vitest';
import { checkDisplayName, checkExpiryDays, checkPassword, checkTenantId, checkUsername, slugify } from './validation';

describe('checkUsername', () => {
  it('accepts the server alphabet', () => {
    for (const ok of ['al', 'alice', 'a.b-c_d', '0ps', 'x'.repeat(64)]) expect(checkUsername(ok)).toBeNull();
  });
  it('rejects what the server rejects', () => {
    for (const bad of ['', 'a', 'x'.repeat(65), 'Alice', 'al ice', '-alice', '.alice', 'al/ice', 'élise'])
      expect(checkUsername(bad)).not.toBeNull();
  });
});

describe('checkTenantId', () => {
  it('accepts lowercase slugs of 2 to 32 chars', () => {
    for (const ok of ['ac', 'acme', 'acme-2', 'x'.repeat(32)]) expect(checkTenantId(ok)).toBeNull();
  });
  it('rejects others', () => {
    for (const bad of ['', 'a', 'x'.repeat(33), 'Acme', 'ac_me', 'ac.me', '-acme', 'ac me'])
      expect(checkTenantId(bad)).not.toBeNull();
  });
});

describe('checkPassword', () => {
  it('needs 12 characters and says how many so far', () => {
    expect(checkPassword('')).toBe('Enter a password.');
    expect(checkPassword('short')).toContain('5 so far');
    expect(checkPassword('x'.repeat(12))).toBeNull();
  });
});

describe('checkExpiryDays', () => {
  it('accepts whole days in range', () => {
    expect(checkExpiryDays(1)).toBeNull();
    expect(checkExpiryDays('90')).toBeNull();
    expect(checkExpiryDays(3650)).toBeNull();
  });
  it('rejects empty, fractional and out-of-range values', () => {
    for (const bad of [null, undefined, '', ' ', 0, -1, 1.5, 3651, Number.NaN]) expect(checkExpiryDays(bad)).not.toBeNull();
  });
});

describe('checkDisplayName', () => {
  it('trims, bounds and refuses control characters', () => {
    expect(checkDisplayName('  ')).not.toBeNull();
    expect(checkDisplayName('CI deploy')).toBeNull();
    expect(checkDisplayName('x'.repeat(201))).not.toBeNull();
    expect(checkDisplayName('a\u0007b')).not.toBeNull();
  });
});

describe('slugify', () => {
  it('derives a valid tenant id from a name', () => {
    expect(slugify('Acme Wireless')).toBe('acme-wireless');
    expect(slugify('  Zürich  Telecom AG! ')).toBe('zurich-telecom-ag');
    expect(checkTenantId(slugify('A very long operator name that keeps on going'))).toBeNull();
  });
});
