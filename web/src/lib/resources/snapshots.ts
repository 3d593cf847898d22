// Frozen copies of a repository's package set, publishable into any repository of the tenant.
import { api } from '../api';
import type { AptPackage, AptSnapshot, Page } from '../types';

const enc = encodeURIComponent;

const base = (tenant: string) => `/api/v1/tenants/${enc(tenant)}/snapshots`;
export const snapshotPath = (tenant: string, name: string) => `${base(tenant)}/${enc(name)}`;

export const listSnapshots = (tenant: string, cursor?: string | null, limit = 200) =>
  api.get<Page<AptSnapshot>>(base(tenant), { query: { cursor, limit } });

export const getSnapshot = (tenant: string, name: string) => api.get<AptSnapshot>(snapshotPath(tenant, name));

export const createSnapshot = (tenant: string, s: { name: string; repo: string; description: string }) =>
  api.post<AptSnapshot>(base(tenant), s);

export const deleteSnapshot = (tenant: string, name: string) => api.del(snapshotPath(tenant, name));

export const listSnapshotPackages = (tenant: string, name: string, cursor?: string | null, limit = 500) =>
  api.get<Page<AptPackage>>(`${snapshotPath(tenant, name)}/packages`, { query: { cursor, limit } });
