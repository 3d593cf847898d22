import { describe, expect, it } from 'vitest';
import { parseHash, routeHref, tenantHref } from './routes';

describe('parseHash', () => {
  it('maps the known addresses', () => {
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/')).toEqual({ name: 'home' });
    expect(parseHash('#/tenants')).toEqual({ name: 'tenants' });
    expect(parseHash('#/t/acme')).toEqual({ name: 'tenant', tenant: 'acme', page: 'overview' });
    expect(parseHash('#/t/acme/users')).toEqual({ name: 'tenant', tenant: 'acme', page: 'users' });
    expect(parseHash('#/t/acme/metrics?metric=cpu&range=6h')).toEqual({ name: 'tenant', tenant: 'acme', page: 'metrics' });
    expect(parseHash('#/t/acme/audit?x=1')).toEqual({ name: 'tenant', tenant: 'acme', page: 'audit' });
  });
  it('opens one repository or snapshot', () => {
    expect(parseHash('#/t/acme/repositories/stable')).toEqual({
      name: 'tenant',
      tenant: 'acme',
      page: 'repositories',
      item: 'stable',
    });
    expect(parseHash('#/t/acme/snapshots/rel%231')).toMatchObject({ page: 'snapshots', item: 'rel#1' });
    expect(parseHash('#/t/acme/devices/d-1f2e?range=6h')).toEqual({ name: 'tenant', tenant: 'acme', page: 'devices', item: 'd-1f2e' });
    expect(parseHash('#/t/acme/devices?status=down')).toEqual({ name: 'tenant', tenant: 'acme', page: 'devices' });
    expect(parseHash('#/t/acme/signing-keys')).toEqual({ name: 'tenant', tenant: 'acme', page: 'signing-keys' });
    expect(parseHash('#/t/acme/signing-keys/x').name).toBe('notfound');
    expect(parseHash('#/t/acme/repositories/stable/more').name).toBe('notfound');
    expect(tenantHref('acme', 'snapshots', 'rel#1')).toBe('#/t/acme/snapshots/rel%231');
    expect(routeHref(parseHash('#/t/acme/repositories/stable'))).toBe('#/t/acme/repositories/stable');
  });
  it('reports anything else as not found', () => {
    expect(parseHash('#/t/acme/nope').name).toBe('notfound');
    expect(parseHash('#/t/acme/users/extra').name).toBe('notfound');
    expect(parseHash('#/whatever').name).toBe('notfound');
  });
  it('round-trips through routeHref', () => {
    for (const h of ['#/', '#/tenants', '#/t/acme/tokens']) expect(routeHref(parseHash(h))).toBe(h);
    expect(tenantHref('a b')).toBe('#/t/a%20b/overview');
    expect(parseHash(tenantHref('a b'))).toMatchObject({ tenant: 'a b' });
  });
});
