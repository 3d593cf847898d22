// Tenant roles in order of power, and what a signed-in user may do in a tenant.
import type { Me, Role } from './types';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'owner'];

const RANK: Record<Role, number> = { viewer: 1, operator: 2, owner: 3 };

export const ROLE_HINTS: Record<Role, string> = {
  viewer: 'Reads everything, changes nothing',
  operator: 'Manages devices, repositories and rollouts',
  owner: 'Also manages users and API tokens',
};

export function isRole(value: unknown): value is Role {
  return value === 'viewer' || value === 'operator' || value === 'owner';
}

export function roleAtLeast(have: Role | null | undefined, need: Role): boolean {
  return have != null && RANK[have] >= RANK[need];
}

/** Roles not above `have`: what a user may hand out (e.g. to a new API token). */
export function rolesUpTo(have: Role | null | undefined): Role[] {
  return ROLES.filter((r) => roleAtLeast(have, r));
}

/** The role `me` acts with in `tenant`; a platform admin acts as owner everywhere. */
export function effectiveRole(me: Me | null, tenant: string | null): Role | null {
  if (!me || !tenant) return null;
  if (me.platform_admin) return 'owner';
  return me.tenants.find((t) => t.id === tenant)?.role ?? null;
}
