import { describe, expect, it } from 'vitest';
import { aptCan } from './permissions';

describe('aptCan', () => {
  it('lets viewers only look', () => {
    for (const a of ['createRepo', 'upload', 'publish', 'deletePackage', 'rotateKey', 'manageCredentials'] as const)
      expect(aptCan('viewer', a)).toBe(false);
  });
  it('lets operators change repositories but not delete them or rotate keys', () => {
    expect(aptCan('operator', 'createRepo')).toBe(true);
    expect(aptCan('operator', 'upload')).toBe(true);
    expect(aptCan('operator', 'publish')).toBe(true);
    expect(aptCan('operator', 'createSnapshot')).toBe(true);
    expect(aptCan('operator', 'deleteRepo')).toBe(false);
    expect(aptCan('operator', 'rotateKey')).toBe(false);
  });
  it('lets owners do everything, and nobody without a role', () => {
    expect(aptCan('owner', 'deleteRepo')).toBe(true);
    expect(aptCan('owner', 'rotateKey')).toBe(true);
    expect(aptCan(null, 'publish')).toBe(false);
  });
});
