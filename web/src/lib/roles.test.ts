import { describe, expect, it } from 'vitest';
import { effectiveRole, roleAtLeast, rolesUpTo } from './roles';
import type { Me } from './types';

const me: Me = {
  username: 'alice',
  platform_admin: false,
  tenants: [
    { id: 'acme', name: 'Acme', role: 'operator' },
    { id: 'beta', name: 'Beta', role: 'viewer' },
  ],
};

describe('roles', () => {
  it('orders viewer < operator < owner', () => {
    expect(roleAtLeast('owner', 'operator')).toBe(true);
    expect(roleAtLeast('operator', 'operator')).toBe(true);
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
    expect(roleAtLeast(null, 'viewer')).toBe(false);
  });
  it('hands out roles up to your own', () => {
    expect(rolesUpTo('operator')).toEqual(['viewer', 'operator']);
    expect(rolesUpTo(null)).toEqual([]);
  });
  it('uses the membership, and owner for platform admins everywhere', () => {
    expect(effectiveRole(me, 'acme')).toBe('operator');
    expect(effectiveRole(me, 'other')).toBeNull();
    expect(effectiveRole({ ...me, platform_admin: true }, 'other')).toBe('owner');
    expect(effectiveRole(null, 'acme')).toBeNull();
  });
});
