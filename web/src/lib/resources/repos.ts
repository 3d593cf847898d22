// APT repositories of a tenant: list, create, read, change retention, delete, publish.
import { api } from '../api';
import type { AptRepo, NewAptRepo, Page } from '../types';

const enc = encodeURIComponent;

export const reposPath = (tenant: string) => `/api/v1/tenants/${enc(tenant)}/repos`;
export const repoPath = (tenant: string, repo: string) => `${reposPath(tenant)}/${enc(repo)}`;

export const listRepos = (tenant: string, cursor?: string | null, limit = 200) =>
  api.get<Page<AptRepo>>(reposPath(tenant), { query: { cursor, limit } });

export const getRepo = (tenant: string, repo: string, signal?: AbortSignal) =>
  api.get<AptRepo>(repoPath(tenant, repo), { signal });

export const createRepo = (tenant: string, repo: NewAptRepo) => api.post<AptRepo>(reposPath(tenant), repo);

export const setKeepVersions = (tenant: string, repo: string, keepVersions: number) =>
  api.patch<AptRepo>(repoPath(tenant, repo), { keep_versions: keepVersions });

export const deleteRepo = (tenant: string, repo: string) => api.del(repoPath(tenant, repo));

/** Writes and signs the indexes; with a snapshot, the repository serves exactly that snapshot. */
export const publishRepo = (tenant: string, repo: string, snapshot?: string) =>
  api.post<AptRepo>(`${repoPath(tenant, repo)}/publish`, snapshot ? { snapshot } : undefined);
