// Hash routes (#/t/acme/users): the server only ever serves index.html at "/", and the
// tenant lives in the address so that two tabs can look at two tenants.

export const TENANT_PAGES = [
  'overview',
  'devices',
  'repositories',
  'rollouts',
  'alerts',
  'reports',
  'users',
  'tokens',
  'audit',
] as const;

export type TenantPage = (typeof TENANT_PAGES)[number];

export type Route =
  | { name: 'home' }
  | { name: 'tenants' }
  | { name: 'tenant'; tenant: string; page: TenantPage }
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
  }
  return { name: 'notfound', path };
}

export function tenantHref(tenant: string, page: TenantPage = 'overview'): string {
  return `#/t/${encodeURIComponent(tenant)}/${page}`;
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'tenants':
      return '#/tenants';
    case 'tenant':
      return tenantHref(route.tenant, route.page);
    case 'notfound':
      return `#${route.path}`;
  }
}
