import { describe, expect, it } from 'vitest';
import { checkDisplayName, checkExpiryDays, checkIpAddress, checkPassword, checkTenantId, checkUsername, checkWholeNumber, isIpLiteral, slugify } from './validation';

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

describe('isIpLiteral', () => {
  it('accepts IPv4 and IPv6 literals', () => {
    for (const ok of ['10.0.0.5', '0.0.0.0', '255.255.255.255', '::1', '2001:db8::5', 'fe80::1:2:3:4', '::ffff:10.0.0.5', '2001:0db8:0000:0000:0000:0000:0000:0001'])
      expect(isIpLiteral(ok), ok).toBe(true);
  });
  it('refuses host names, bad octets, zone ids and malformed IPv6', () => {
    for (const bad of ['', 'epc.example.com', '10.0.0', '10.0.0.256', '010.0.0.1', '1.2.3.4.5', '2001:db8::5::1', 'fe80::1%eth0', '[::1]', '12345::', ':::', '1:2'])
      expect(isIpLiteral(bad), bad).toBe(false);
    expect(checkIpAddress('')).toMatch(/Enter/);
    expect(checkIpAddress('epc-1')).toMatch(/not a host name/);
    expect(checkIpAddress('10.1.2.3')).toBeNull();
  });
});

describe('checkWholeNumber', () => {
  it('bounds whole numbers typed or picked', () => {
    expect(checkWholeNumber('161', 1, 65535, 'a port')).toBeNull();
    expect(checkWholeNumber(' ', 1, 65535, 'a port')).toBe('Enter a port.');
    expect(checkWholeNumber(1.5, 1, 65535, 'a port')).toBe('Use a whole number.');
    expect(checkWholeNumber(0, 1, 65535, 'a port')).toBe('Use 1 to 65535.');
  });
});
