// Who is signed in, which tenants they can switch to, and the sign-in / sign-out flow.
// The live-event stream runs exactly while a session does.
import { ApiError, csrfToken, onUnauthorized, setCsrfToken } from './api';
import { fetchMe, login, logout } from './resources/auth';
import { listTenants } from './resources/tenants';
import { fetchAll } from './paging';
import { effectiveRole } from './roles';
import { events } from './ws';
import { toasts } from './toasts.svelte';
import type { Me, Role, TenantMembership } from './types';

export type SessionStatus = 'loading' | 'anonymous' | 'authenticated' | 'unreachable';

const LAST_TENANT_KEY = 'epcfleet.lastTenant';

class Session {
  status: SessionStatus = $state('loading');
  me: Me | null = $state.raw(null);
  /** Tenants the user can switch to; for a platform admin, every tenant (acting as owner). */
  tenants: TenantMembership[] = $state.raw([]);
  /** Why the user is looking at the login page (e.g. the session expired). */
  notice: string | null = $state(null);

  constructor() {
    onUnauthorized(() => this.expire());
  }

  async init(): Promise<void> {
    this.status = 'loading';
    // No CSRF cookie means no session: skip the probe (its 401 would only add console noise).
    if (!csrfToken()) {
      this.status = 'anonymous';
      return;
    }
    try {
      const me = await fetchMe();
      if (me) await this.begin(me);
      else this.status = 'anonymous';
    } catch {
      this.status = 'unreachable';
    }
  }

  async signIn(username: string, password: string): Promise<void> {
    const res = await login(username, password);
    this.notice = null;
    await this.begin(res.user);
  }

  async signOut(): Promise<void> {
    try {
      await logout();
    } catch {
      // The cookie may already be gone; the user wants out either way.
    }
    this.end(null);
  }

  /** The server said 401 to a request: the session expired or was revoked. */
  expire(): void {
    if (this.status !== 'authenticated') return;
    this.end('Your session has ended. Sign in again to continue.');
  }

  roleIn(tenant: string | null): Role | null {
    return effectiveRole(this.me, tenant);
  }

  hasTenant(id: string): boolean {
    return this.tenants.some((t) => t.id === id);
  }

  rememberTenant(id: string): void {
    try {
      localStorage.setItem(LAST_TENANT_KEY, id);
    } catch {
      // Storage may be disabled; remembering is a convenience only.
    }
  }

  /** Where to land after sign-in: the last tenant used, else the first one. */
  defaultTenant(): string | null {
    let last: string | null = null;
    try {
      last = localStorage.getItem(LAST_TENANT_KEY);
    } catch {
      last = null;
    }
    if (last && this.hasTenant(last)) return last;
    return this.tenants[0]?.id ?? null;
  }

  /** Re-read who we are and our tenants (e.g. a tenant added in another tab). */
  async reload(): Promise<void> {
    if (this.status !== 'authenticated') return;
    try {
      const me = await fetchMe();
      if (!me) return this.expire();
      this.me = me;
      await this.refreshTenants();
    } catch {
      // Keep what we have; the page shows its own error if it cannot load.
    }
  }

  /** Re-read the tenant list (after a platform admin creates or deletes one). */
  async refreshTenants(): Promise<void> {
    const me = this.me;
    if (!me) return;
    if (!me.platform_admin) {
      this.tenants = sortTenants(me.tenants);
      return;
    }
    try {
      const all = await fetchAll((cursor) => listTenants(cursor));
      const byId = new Map<string, TenantMembership>();
      for (const t of all) byId.set(t.id, { id: t.id, name: t.name, role: 'owner' });
      this.tenants = sortTenants([...byId.values()]);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      this.tenants = sortTenants(me.tenants.map((t) => ({ ...t, role: 'owner' as Role })));
    }
  }

  private async begin(me: Me): Promise<void> {
    this.me = me;
    this.tenants = sortTenants(me.tenants);
    await this.refreshTenants();
    this.status = 'authenticated';
    events.start();
  }

  private end(notice: string | null): void {
    events.stop();
    toasts.clear();
    setCsrfToken(null);
    this.me = null;
    this.tenants = [];
    this.notice = notice;
    this.status = 'anonymous';
  }
}

function sortTenants(list: TenantMembership[]): TenantMembership[] {
  return [...list].sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id));
}

export const session = new Session();
