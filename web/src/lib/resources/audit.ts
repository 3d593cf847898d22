import { api, withQuery } from '../api';
import type { AuditFilter, AuditRecord, Page } from '../types';

const base = (tenant: string) => `/api/v1/tenants/${encodeURIComponent(tenant)}/audit`;

export const listAudit = (
  tenant: string,
  filter: AuditFilter,
  cursor: string | null,
  limit = 50,
  signal?: AbortSignal,
) => api.get<Page<AuditRecord>>(base(tenant), { query: { ...filter, cursor, limit }, signal });

/** Link that downloads the filtered log as CSV (the session cookie authenticates it). */
export const auditCsvUrl = (tenant: string, filter: AuditFilter) =>
  withQuery(base(tenant), { ...filter, format: 'csv' });
