import { describe, expect, it } from 'vitest';
import { compareVersions, parseVersion } from './versions';

const sign = (n: number) => Math.sign(n);

describe('parseVersion', () => {
  it('splits epoch, upstream and revision', () => {
    expect(parseVersion('1:2.30-1+deb12u1')).toEqual({ epoch: 1, upstream: '2.30', revision: '1+deb12u1' });
    expect(parseVersion('1.0')).toEqual({ epoch: 0, upstream: '1.0', revision: '' });
    expect(parseVersion('1.0-rc-2')).toEqual({ epoch: 0, upstream: '1.0-rc', revision: '2' });
  });
});

describe('compareVersions', () => {
  // Each pair [older, newer], checked against dpkg --compare-versions.
  const ordered: [string, string][] = [
    ['1.0', '1.1'],
    ['1.9', '1.10'],
    ['1.0~rc1', '1.0'],
    ['1.0~~', '1.0~'],
    ['1.0', '1.0a'],
    ['1.0a', '1.0+'],
    ['1.0-1', '1.0-2'],
    ['1.0-9', '1.0-10'],
    ['2.0', '1:0.1'],
    ['1:1.0', '2:0.1'],
    ['1.0+deb12u1', '1.0+deb12u2'],
    ['1.0-1', '1.0-1+b1'],
    ['1.0-1~bpo12+1', '1.0-1'],
    ['0.9', '1.0~beta'],
    ['1.2.3', '1.2.3.0'],
    ['a', 'b'],
    ['1.0', '1.0.1'],
  ];
  it('orders like dpkg', () => {
    for (const [older, newer] of ordered) {
      expect(sign(compareVersions(older, newer)), `${older} < ${newer}`).toBe(-1);
      expect(sign(compareVersions(newer, older)), `${newer} > ${older}`).toBe(1);
    }
  });
  it('treats equivalent spellings as equal', () => {
    expect(compareVersions('1.0', '1.0')).toBe(0);
    expect(compareVersions('0:1.0', '1.0')).toBe(0);
    expect(compareVersions('1.01', '1.1')).toBe(0);
    expect(compareVersions('1.0-0', '1.0')).toBe(0);
  });
  it('sorts a list newest first', () => {
    const list = ['1.0-1', '1:0.5', '1.0~rc2-1', '1.0-1+b1', '0.9'];
    expect([...list].sort((a, b) => compareVersions(b, a))).toEqual(['1:0.5', '1.0-1+b1', '1.0-1', '1.0~rc2-1', '0.9']);
  });
});
