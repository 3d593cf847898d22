import { describe, expect, it } from 'vitest';
import { NAV, navItem, sidebarPage } from './nav';
import { TENANT_PAGES } from './routes';

describe('nav', () => {
  it('describes every tenant page', () => {
    for (const p of TENANT_PAGES) expect(navItem(p).page).toBe(p);
  });
  it('shows repository sections under Repositories', () => {
    expect(sidebarPage('snapshots')).toBe('repositories');
    expect(sidebarPage('signing-keys')).toBe('repositories');
    expect(sidebarPage('users')).toBe('users');
    const parents = NAV.flatMap((g) => g.items).filter((i) => i.parent);
    for (const i of parents) expect(navItem(i.parent!).parent).toBeUndefined();
  });
  it('no longer marks repositories and devices as coming soon', () => {
    expect(navItem('repositories').soon).toBeFalsy();
    expect(navItem('devices').soon).toBeFalsy();
  });
});
