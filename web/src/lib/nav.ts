// The dashboard's sections: what each needs, and which are still to come.
import type { TenantPage } from './routes';
import type { Role } from './types';

export type IconName =
  | 'overview'
  | 'devices'
  | 'metrics'
  | 'repositories'
  | 'rollouts'
  | 'alerts'
  | 'reports'
  | 'users'
  | 'tokens'
  | 'audit'
  | 'tenants';

export interface NavItem {
  page: TenantPage;
  label: string;
  icon: IconName;
  /** Least role that may open the page. */
  minRole: Role;
  /** Not built yet: the page explains what will come. */
  soon?: boolean;
  /** One line for the placeholder page and tooltips. */
  summary: string;
  /** A section of another page: reached from that page, not listed in the sidebar. */
  parent?: TenantPage;
}

export interface NavGroup {
  label: string;
  items: NavItem[];
}

export const NAV: NavGroup[] = [
  {
    label: 'Fleet',
    items: [
      { page: 'overview', label: 'Overview', icon: 'overview', minRole: 'viewer', soon: true,
        summary: 'Fleet health at a glance: devices up and down, firing alerts, rollouts in flight.' },
      { page: 'devices', label: 'Devices', icon: 'devices', minRole: 'viewer',
        summary: 'Your EPCs with SNMP settings, live charts, traps and connection tests.' },
      { page: 'metrics', label: 'Metrics', icon: 'metrics', minRole: 'viewer',
        summary: 'Chart any metric your devices report or write: pick a metric, a device and a function.' },
      { page: 'repositories', label: 'Repositories', icon: 'repositories', minRole: 'viewer',
        summary: 'Signed APT repositories: upload packages, publish, snapshot and promote.' },
      { page: 'snapshots', label: 'Snapshots', icon: 'repositories', minRole: 'viewer', parent: 'repositories',
        summary: 'Frozen package sets of a repository, published into another to promote them.' },
      { page: 'signing-keys', label: 'Signing keys', icon: 'repositories', minRole: 'viewer', parent: 'repositories',
        summary: 'The OpenPGP keys that sign your repositories, and their rotation.' },
      { page: 'rollouts', label: 'Rollouts', icon: 'rollouts', minRole: 'viewer', soon: true,
        summary: 'Ship package versions to devices in canaries and batches, with automatic rollback.' },
      { page: 'alerts', label: 'Alerts', icon: 'alerts', minRole: 'viewer', soon: true,
        summary: 'Alert rules, firing alerts, silences and notification channels.' },
      { page: 'reports', label: 'Reports', icon: 'reports', minRole: 'viewer', soon: true,
        summary: 'Availability and SLA reports as CSV, HTML or PDF, on demand or on a schedule.' },
    ],
  },
  {
    label: 'Access',
    items: [
      { page: 'users', label: 'Users', icon: 'users', minRole: 'owner',
        summary: 'People who can sign in to this tenant, and their roles.' },
      { page: 'tokens', label: 'API tokens', icon: 'tokens', minRole: 'operator',
        summary: 'Expiring tokens for scripts and CI.' },
      { page: 'audit', label: 'Audit log', icon: 'audit', minRole: 'operator',
        summary: 'Every change made in this tenant: who, when, from where, and the outcome.' },
    ],
  },
];

/** The sidebar entry that stands for `page` (its parent when it is a section of another). */
export function sidebarPage(page: TenantPage): TenantPage {
  return navItem(page).parent ?? page;
}

export function navItem(page: TenantPage): NavItem {
  for (const g of NAV) for (const i of g.items) if (i.page === page) return i;
  throw new Error(`no nav item for ${page}`);
}
