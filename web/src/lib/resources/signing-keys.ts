// The tenant's repository signing keys (public parts only) and the current key's downloads.
import { api } from '../api';
import type { Page, SigningKey, SigningKeyAlgorithm } from '../types';

const base = (tenant: string) => `/api/v1/tenants/${encodeURIComponent(tenant)}/signing-keys`;

export const listSigningKeys = (tenant: string, cursor?: string | null, limit = 200) =>
  api.get<Page<SigningKey>>(base(tenant), { query: { cursor, limit } });

/** Makes a new current key; the previous one keeps signing for overlap_days (0: stops at once). */
export const rotateSigningKey = (tenant: string, req: { algorithm: SigningKeyAlgorithm; overlap_days: number }) =>
  api.post<SigningKey>(base(tenant), req);

/** Download links (the session cookie authenticates them). */
export const currentKeyUrl = (tenant: string, format: 'asc' | 'gpg') => `${base(tenant)}/current.${format}`;
