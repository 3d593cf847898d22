import { api } from '../api';
import type { Page, Role, TenantUser } from '../types';

const base = (tenant: string) => `/api/v1/tenants/${encodeURIComponent(tenant)}/users`;

export const listUsers = (tenant: string, cursor?: string | null, limit = 200) =>
  api.get<Page<TenantUser>>(base(tenant), { query: { cursor, limit } });

export const createUser = (tenant: string, user: { username: string; password: string; role: Role }) =>
  api.post<TenantUser>(base(tenant), user);

export const updateUser = (tenant: string, username: string, change: { role?: Role; password?: string }) =>
  api.patch<TenantUser>(`${base(tenant)}/${encodeURIComponent(username)}`, change);

export const deleteUser = (tenant: string, username: string) =>
  api.del(`${base(tenant)}/${encodeURIComponent(username)}`);
