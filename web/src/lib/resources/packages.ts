// Packages of a repository: list (filtered), delete one version, copy from another repository.
// Upload goes through ../upload.ts (XMLHttpRequest, for progress) to packagesPath().
import { api } from '../api';
import type { AptPackage, Page, PackageFilter } from '../types';
import { repoPath } from './repos';

const enc = encodeURIComponent;

export const packagesPath = (tenant: string, repo: string) => `${repoPath(tenant, repo)}/packages`;

/** Each segment percent-encoded: Debian versions carry ':', '~' and '+'. */
export const packageVersionPath = (
  tenant: string,
  repo: string,
  p: Pick<AptPackage, 'name' | 'version' | 'architecture'>,
) => `${packagesPath(tenant, repo)}/${enc(p.name)}/${enc(p.version)}/${enc(p.architecture)}`;

export const uploadPath = (tenant: string, repo: string, component: string) =>
  `${packagesPath(tenant, repo)}?component=${enc(component)}`;

export const listPackages = (
  tenant: string,
  repo: string,
  filter: Partial<PackageFilter> & { name?: string },
  cursor?: string | null,
  limit = 500,
  signal?: AbortSignal,
) =>
  api.get<Page<AptPackage>>(packagesPath(tenant, repo), {
    query: { q: filter.q, name: filter.name, architecture: filter.architecture, cursor, limit },
    signal,
  });

export const deletePackageVersion = (tenant: string, repo: string, p: Pick<AptPackage, 'name' | 'version' | 'architecture'>) =>
  api.del(packageVersionPath(tenant, repo, p));

export interface CopyRequest {
  from: string;
  name: string;
  version: string;
  /** Leave out to copy every architecture of that version. */
  architecture?: string;
}

export const copyPackage = (tenant: string, toRepo: string, req: CopyRequest) =>
  api.post<{ copied: AptPackage[] }>(`${packagesPath(tenant, toRepo)}/copy`, req);
