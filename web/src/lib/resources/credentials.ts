// Per-device credentials for apt to read one repository, and the client configuration snippets.
import { api } from '../api';
import type { CreatedRepoCredential, Page, RepoCredential, RepoSources } from '../types';
import { repoPath } from './repos';

const base = (tenant: string, repo: string) => `${repoPath(tenant, repo)}/credentials`;

export const listCredentials = (tenant: string, repo: string, cursor?: string | null, limit = 200) =>
  api.get<Page<RepoCredential>>(base(tenant, repo), { query: { cursor, limit } });

/** The answer carries the password: it is never shown again. */
export const createCredential = (tenant: string, repo: string, name: string) =>
  api.post<CreatedRepoCredential>(base(tenant, repo), { name });

export const revokeCredential = (tenant: string, repo: string, id: string) =>
  api.del(`${base(tenant, repo)}/${encodeURIComponent(id)}`);

export const getSources = (tenant: string, repo: string) =>
  api.get<RepoSources>(`${repoPath(tenant, repo)}/sources`, { query: { format: 'json' } });
