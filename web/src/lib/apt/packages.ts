// Pure helpers for package tables: filtering (mirrors the server's q/architecture filters, so a
// server that ignores them still shows the right rows), grouping by name with every version
// newest first, and what changed since the last publish.
import type { AptPackage, PackageFilter } from '../types';
import { compareVersions } from './versions';

export const EMPTY_PACKAGE_FILTER: PackageFilter = { q: '', architecture: '' };

export interface VersionGroup {
  version: string;
  /** One entry per architecture, sorted by architecture. */
  packages: AptPackage[];
  /** The most recent upload among them. */
  uploaded_at: string;
}

export interface PackageGroup {
  name: string;
  /** Newest first. */
  versions: VersionGroup[];
  latest: VersionGroup;
  architectures: string[];
  components: string[];
  /** Number of files (version × architecture). */
  files: number;
}

export function normalizePackageFilter(f: PackageFilter): PackageFilter {
  return { q: f.q.trim(), architecture: f.architecture.trim() };
}

export function matchesPackage(p: AptPackage, f: PackageFilter): boolean {
  const q = f.q.trim().toLowerCase();
  if (q && !p.name.toLowerCase().includes(q)) return false;
  if (f.architecture && p.architecture !== f.architecture) return false;
  return true;
}

export function filterPackages(list: readonly AptPackage[], f: PackageFilter): AptPackage[] {
  if (!f.q.trim() && !f.architecture) return list as AptPackage[];
  return list.filter((p) => matchesPackage(p, f));
}

const later = (a: string, b: string) => (a > b ? a : b);

export function groupPackages(list: readonly AptPackage[]): PackageGroup[] {
  const byName = new Map<string, Map<string, AptPackage[]>>();
  for (const p of list) {
    let versions = byName.get(p.name);
    if (!versions) byName.set(p.name, (versions = new Map()));
    let files = versions.get(p.version);
    if (!files) versions.set(p.version, (files = []));
    files.push(p);
  }
  const groups: PackageGroup[] = [];
  for (const [name, versions] of byName) {
    const vgs: VersionGroup[] = [...versions].map(([version, pkgs]) => ({
      version,
      packages: [...pkgs].sort((a, b) => a.architecture.localeCompare(b.architecture)),
      uploaded_at: pkgs.reduce((acc, p) => later(acc, p.uploaded_at), ''),
    }));
    vgs.sort((a, b) => compareVersions(b.version, a.version));
    const all = vgs.flatMap((v) => v.packages);
    groups.push({
      name,
      versions: vgs,
      latest: vgs[0]!,
      architectures: uniqueSorted(all.map((p) => p.architecture)),
      components: uniqueSorted(all.map((p) => p.component)),
      files: all.length,
    });
  }
  return groups.sort((a, b) => a.name.localeCompare(b.name));
}

export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].filter(Boolean).sort();
}

/** Architectures to offer in the filter: the repository's, plus any found in the packages ("all"). */
export function filterArchitectures(repoArchs: readonly string[], list: readonly AptPackage[]): string[] {
  return uniqueSorted([...repoArchs, ...list.map((p) => p.architecture)]);
}

/** Files uploaded after the last publish: not yet visible to apt clients. */
export function uploadedSince(list: readonly AptPackage[], publishedAt: string | null): number {
  if (!publishedAt) return list.length;
  const t = Date.parse(publishedAt);
  return list.filter((p) => Date.parse(p.uploaded_at) > t).length;
}

/** A stable key for one file (name, version, architecture). */
export const packageKey = (p: Pick<AptPackage, 'name' | 'version' | 'architecture'>) =>
  `${p.name}\u0000${p.version}\u0000${p.architecture}`;

export function isDebFileName(name: string): boolean {
  return /\.deb$/i.test(name);
}
