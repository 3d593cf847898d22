import { api } from '../api';
import type { Page, Tenant } from '../types';

export const listTenants = (cursor?: string | null, limit = 200) =>
  api.get<Page<Tenant>>('/api/v1/tenants', { query: { cursor, limit } });

export const createTenant = (id: string, name: string) =>
  api.post<Tenant>('/api/v1/tenants', { id, name });

export const renameTenant = (id: string, name: string) =>
  api.patch<Tenant>(`/api/v1/tenants/${encodeURIComponent(id)}`, { name });

export const deleteTenant = (id: string) => api.del(`/api/v1/tenants/${encodeURIComponent(id)}`);
