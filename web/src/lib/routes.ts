// Hash routes (#/t/acme/users): the server only ever serves index.html at "/", and the
// tenant lives in the address so that two tabs can look at two tenants.

export const TENANT_PAGES = [
  'overview',
  'devices',
  'metrics',
  'repositories',
  'snapshots',
  'signing-keys',
  'rollouts',
  'alerts',
  'reports',
  'users',
  'tokens',
  'audit',
] as const;

export type TenantPage = (typeof TENANT_PAGES)[number];

/** Pages that also open one of their items: #/t/acme/repositories/stable, #/t/acme/devices/d-1f2e. */
const PAGES_WITH_ITEMS: readonly TenantPage[] = ['devices', 'repositories', 'snapshots'];

export type Route =
  | { name: 'home' }
  | { name: 'tenants' }
  | { name: 'tenant'; tenant: string; page: TenantPage; item?: string }
  | { name: 'notfound'; path: string };

function isTenantPage(p: string): p is TenantPage {
  return (TENANT_PAGES as readonly string[]).includes(p);
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  const parts = path.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  if (parts.length === 0) return { name: 'home' };
  if (parts.length === 1 && parts[0] === 'tenants') return { name: 'tenants' };
  if (parts[0] === 't' && parts[1]) {
    const page = parts[2] ?? 'overview';
    if (parts.length <= 3 && isTenantPage(page)) return { name: 'tenant', tenant: parts[1], page };
    if (parts.length === 4 && isTenantPage(page) && PAGES_WITH_ITEMS.includes(page) && parts[3])
      return { name: 'tenant', tenant: parts[1], page, item: parts[3] };
  }
  return { name: 'notfound', path };
}

export function tenantHref(tenant: string, page: TenantPage = 'overview', item?: string): string {
  const base = `#/t/${encodeURIComponent(tenant)}/${page}`;
  return item ? `${base}/${encodeURIComponent(item)}` : base;
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'tenants':
      return '#/tenants';
    case 'tenant':
      return tenantHref(route.tenant, route.page, route.item);
    case 'notfound':
      return `#${route.path}`;
  }
}
