import { describe, expect, it } from 'vitest';
import { packageVersionPath, uploadPath } from './packages';
import { repoPath } from './repos';
import { snapshotPath } from './snapshots';
import { currentKeyUrl } from './signing-keys';

describe('resource paths', () => {
  it('percent-encodes each package segment (versions carry : ~ +)', () => {
    const path = packageVersionPath('acme', 'stable', { name: 'libfoo++', version: '1:2.0~rc1+b1', architecture: 'amd64' });
    expect(path).toBe('/api/v1/tenants/acme/repos/stable/packages/libfoo%2B%2B/1%3A2.0~rc1%2Bb1/amd64');
    expect(decodeURIComponent(path.split('/')[9]!)).toBe('1:2.0~rc1+b1');
  });
  it('never lets a segment add a path level', () => {
    const path = packageVersionPath('acme', 'stable', { name: 'a/b', version: '1/2', architecture: 'x' });
    expect(path.split('/')).toHaveLength(11);
    expect(path.endsWith('/a%2Fb/1%2F2/x')).toBe(true);
    expect(repoPath('a b', 'x?y')).toBe('/api/v1/tenants/a%20b/repos/x%3Fy');
    expect(snapshotPath('acme', 'rel#1')).toBe('/api/v1/tenants/acme/snapshots/rel%231');
  });
  it('builds the upload and key download addresses', () => {
    expect(uploadPath('acme', 'stable', 'non-free')).toBe('/api/v1/tenants/acme/repos/stable/packages?component=non-free');
    expect(currentKeyUrl('acme', 'gpg')).toBe('/api/v1/tenants/acme/signing-keys/current.gpg');
  });
});
