import { describe, expect, it } from 'vitest';
import {
  checkArchitectures,
  checkComponents,
  checkKeepVersions,
  checkOverlapDays,
  checkRepoName,
  checkSnapshotName,
  checkSuite,
  checkUploadSize,
  MAX_UPLOAD_BYTES,
  parseWordList,
  suggestSnapshotName,
} from './validation';

describe('parseWordList', () => {
  it('splits on commas and spaces, dropping blanks and duplicates', () => {
    expect(parseWordList(' main, contrib  non-free,main ,')).toEqual(['main', 'contrib', 'non-free']);
    expect(parseWordList('')).toEqual([]);
  });
});

describe('checkRepoName', () => {
  it('follows the server pattern', () => {
    for (const ok of ['ab', 'stable', 'epc-2', 'x'.repeat(32)]) expect(checkRepoName(ok)).toBeNull();
    for (const bad of ['', 'a', 'x'.repeat(33), 'Stable', 'sta_ble', '-stable', 'st able'])
      expect(checkRepoName(bad)).not.toBeNull();
  });
});

describe('checkSuite', () => {
  it('is optional and accepts Debian-style names', () => {
    expect(checkSuite('')).toBeNull();
    expect(checkSuite('bookworm-backports')).toBeNull();
    expect(checkSuite('Stable_1.2')).toBeNull();
    expect(checkSuite('a b')).not.toBeNull();
    expect(checkSuite('../x')).not.toBeNull();
  });
});

describe('checkComponents / checkArchitectures', () => {
  it('needs at least one sane name', () => {
    expect(checkComponents(['main', 'non-free-firmware'])).toBeNull();
    expect(checkComponents([])).not.toBeNull();
    expect(checkComponents(['Main'])).toMatch(/Main/);
    expect(checkArchitectures(['amd64', 'arm64', 'armhf'])).toBeNull();
    expect(checkArchitectures([])).not.toBeNull();
    expect(checkArchitectures(['amd64', 'all'])).toMatch(/all/);
    expect(checkArchitectures(['source'])).not.toBeNull();
    expect(checkArchitectures(['x86_64'])).toMatch(/x86_64/);
  });
});

describe('number checks', () => {
  it('accepts whole numbers in range', () => {
    expect(checkKeepVersions(0)).toBeNull();
    expect(checkKeepVersions('5')).toBeNull();
    expect(checkKeepVersions(-1)).not.toBeNull();
    expect(checkKeepVersions(1.5)).not.toBeNull();
    expect(checkKeepVersions('')).not.toBeNull();
    expect(checkKeepVersions(null)).not.toBeNull();
    expect(checkOverlapDays(14)).toBeNull();
    expect(checkOverlapDays(0)).toBeNull();
    expect(checkOverlapDays(366)).not.toBeNull();
  });
});

describe('snapshots', () => {
  it('checks names and suggests one', () => {
    expect(checkSnapshotName('stable-2026-11-27')).toBeNull();
    expect(checkSnapshotName('')).not.toBeNull();
    expect(checkSnapshotName('a b')).not.toBeNull();
    expect(checkSnapshotName('a/b')).not.toBeNull();
    expect(suggestSnapshotName('testing', new Date('2026-11-27T12:00:00Z'))).toBe('testing-2026-11-27');
  });
});

describe('checkUploadSize', () => {
  it('refuses files over the server limit', () => {
    expect(checkUploadSize(MAX_UPLOAD_BYTES)).toBeNull();
    expect(checkUploadSize(MAX_UPLOAD_BYTES + 1)).not.toBeNull();
  });
});
