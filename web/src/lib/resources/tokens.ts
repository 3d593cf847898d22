import { api } from '../api';
import type { ApiToken, CreatedToken, Page, Role } from '../types';

const base = (tenant: string) => `/api/v1/tenants/${encodeURIComponent(tenant)}/tokens`;

export const listTokens = (tenant: string, cursor?: string | null, limit = 200) =>
  api.get<Page<ApiToken>>(base(tenant), { query: { cursor, limit } });

export const createToken = (
  tenant: string,
  token: { name: string; role: Role; expires_in_days: number },
) => api.post<CreatedToken>(base(tenant), token);

export const revokeToken = (tenant: string, id: string) =>
  api.del(`${base(tenant)}/${encodeURIComponent(id)}`);
