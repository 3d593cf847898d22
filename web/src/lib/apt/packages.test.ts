import { describe, expect, it } from 'vitest';
import type { AptPackage } from '../types';
import {
  filterArchitectures,
  filterPackages,
  groupPackages,
  isDebFileName,
  packageKey,
  uploadedSince,
} from './packages';

function pkg(name: string, version: string, architecture: string, uploaded_at = '2026-01-01T00:00:00.000Z'): AptPackage {
  return {
    name,
    version,
    architecture,
    component: 'main',
    filename: `pool/main/${name[0]}/${name}/${name}_${version}_${architecture}.deb`,
    size: 1000,
    sha256: 'ab'.repeat(32),
    uploaded_by: 'alice',
    uploaded_at,
  };
}

const list = [
  pkg('epc-agent', '1.0-1', 'amd64', '2026-01-01T00:00:00.000Z'),
  pkg('epc-agent', '1.0-1', 'arm64', '2026-01-01T00:05:00.000Z'),
  pkg('epc-agent', '1.10-1', 'amd64', '2026-02-01T00:00:00.000Z'),
  pkg('epc-agent', '1.10~rc1-1', 'amd64', '2026-01-15T00:00:00.000Z'),
  pkg('open5gs-common', '1:2.7.0', 'all'),
  pkg('agent-tools', '0.1', 'arm64'),
];

describe('groupPackages', () => {
  it('groups by name, versions newest first (dpkg order), architectures per version', () => {
    const groups = groupPackages(list);
    expect(groups.map((g) => g.name)).toEqual(['agent-tools', 'epc-agent', 'open5gs-common']);
    const agent = groups[1]!;
    expect(agent.versions.map((v) => v.version)).toEqual(['1.10-1', '1.10~rc1-1', '1.0-1']);
    expect(agent.latest.version).toBe('1.10-1');
    expect(agent.architectures).toEqual(['amd64', 'arm64']);
    expect(agent.files).toBe(4);
    const old = agent.versions[2]!;
    expect(old.packages.map((p) => p.architecture)).toEqual(['amd64', 'arm64']);
    expect(old.uploaded_at).toBe('2026-01-01T00:05:00.000Z');
  });
  it('is empty for no packages', () => {
    expect(groupPackages([])).toEqual([]);
  });
});

describe('filterPackages', () => {
  it('matches a name substring, case-insensitively, and an exact architecture', () => {
    expect(filterPackages(list, { q: 'AGENT', architecture: '' })).toHaveLength(5);
    expect(filterPackages(list, { q: 'agent', architecture: 'arm64' }).map((p) => p.name)).toEqual(['epc-agent', 'agent-tools']);
    expect(filterPackages(list, { q: '', architecture: 'all' }).map((p) => p.name)).toEqual(['open5gs-common']);
    expect(filterPackages(list, { q: '  ', architecture: '' })).toBe(list);
  });
});

describe('filterArchitectures', () => {
  it('joins the repository architectures with those found', () => {
    expect(filterArchitectures(['arm64', 'amd64'], list)).toEqual(['all', 'amd64', 'arm64']);
  });
});

describe('uploadedSince', () => {
  it('counts files uploaded after the last publish', () => {
    expect(uploadedSince(list, null)).toBe(6);
    expect(uploadedSince(list, '2026-01-10T00:00:00.000Z')).toBe(2);
    expect(uploadedSince(list, '2026-03-01T00:00:00.000Z')).toBe(0);
  });
});

describe('helpers', () => {
  it('keys files by name, version and architecture', () => {
    expect(packageKey(list[0]!)).not.toBe(packageKey(list[1]!));
    const sameFile: AptPackage = { ...list[0]!, size: 5 };
    expect(packageKey(list[0]!)).toBe(packageKey(sameFile));
  });
  it('recognizes .deb files', () => {
    expect(isDebFileName('a_1.0_amd64.deb')).toBe(true);
    expect(isDebFileName('A.DEB')).toBe(true);
    expect(isDebFileName('a.deb.asc')).toBe(false);
    expect(isDebFileName('a.tar.gz')).toBe(false);
  });
});
