import { describe, expect, it } from 'vitest';
import {
  formatStep,
  formatTicks,
  formatValue,
  linePath,
  nearestIndex,
  seriesNames,
  timeTicks,
  unitFor,
  valueDomain,
  valueTicks,
} from './chart';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

describe('units and values', () => {
  it('reads the unit from the metric name', () => {
    expect(unitFor('ifHCInOctets')).toEqual({ kind: 'bytes', perSecond: false });
    expect(unitFor('mem_used_bytes', 'rate')).toEqual({ kind: 'bytes', perSecond: true });
    expect(unitFor('link_bits_total', 'rate')).toEqual({ kind: 'bits', perSecond: true });
    expect(unitFor('epcAttachedUEs', 'avg')).toEqual({ kind: 'none', perSecond: false });
  });
  it('writes values with K, M, G and the unit', () => {
    const bytes = { kind: 'bytes', perSecond: false } as const;
    expect(formatValue(1520)).toBe('1.52K');
    expect(formatValue(999)).toBe('999');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(0.25)).toBe('0.25');
    expect(formatValue(-2_500_000)).toBe('-2.5M');
    expect(formatValue(3e9, bytes)).toBe('3 GB');
    expect(formatValue(812, bytes)).toBe('812 B');
    expect(formatValue(48_230_000, { kind: 'bytes', perSecond: true })).toBe('48.2 MB/s');
    expect(formatValue(1.25e9, { kind: 'bits', perSecond: true })).toBe('1.25 Gb/s');
    expect(formatValue(12.5, { kind: 'none', perSecond: true })).toBe('12.5/s');
    expect(formatValue(null)).toBe('—');
    expect(formatValue(Number.NaN)).toBe('—');
  });
  it('carries a rounding over into the next prefix', () => {
    expect(formatValue(999_960)).toBe('1M');
    expect(formatValue(999.96)).toBe('1K');
  });
});

describe('value ticks', () => {
  it('covers the data with round steps', () => {
    expect(valueTicks(0, 97)).toEqual({ min: 0, max: 100, ticks: [0, 20, 40, 60, 80, 100] });
    expect(valueTicks(0, 1)).toMatchObject({ ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(valueTicks(0, 1_200_000).ticks).toEqual([0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]);
    expect(valueTicks(-3, 3).ticks).toContain(0);
  });
  it('opens a flat line up', () => {
    expect(valueTicks(5, 5).min).toBeLessThan(5);
    expect(valueTicks(5, 5).max).toBeGreaterThan(5);
    expect(valueTicks(0, 0)).toMatchObject({ min: 0, max: 1 });
  });
  it('labels an axis with one prefix and enough decimals', () => {
    expect(formatTicks([0, 250_000, 500_000, 750_000, 1_000_000])).toEqual(['0', '0.25M', '0.50M', '0.75M', '1.00M']);
    expect(formatTicks([0, 20, 40], { kind: 'bytes', perSecond: true })).toEqual(['0', '20 B/s', '40 B/s']);
    expect(formatTicks([1_000_000, 1_000_500, 1_001_000])).toEqual(['1.0000M', '1.0005M', '1.0010M']);
    expect(formatTicks([2e9, 4e9], { kind: 'bits', perSecond: true })).toEqual(['2 Gb/s', '4 Gb/s']);
  });
  it('starts from zero only when the data sits well above it', () => {
    expect(valueDomain([[10, null, 30]])).toEqual({ min: 0, max: 30 });
    expect(valueDomain([[40, 45], [42]])).toEqual({ min: 40, max: 45 });
    expect(valueDomain([[-1, 2]])).toEqual({ min: -1, max: 2 });
    expect(valueDomain([[null, null]])).toBeNull();
  });
});

describe('time ticks', () => {
  const start = new Date(2026, 10, 27, 9, 7, 13).getTime();
  it('puts ticks on round local times at least 90 px apart', () => {
    const ticks = timeTicks(start, start + H, 900);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(ticks.length).toBeLessThanOrEqual(10);
    for (const { t, label } of ticks) {
      expect(new Date(t).getMinutes() % 10).toBe(0);
      expect(new Date(t).getSeconds()).toBe(0);
      expect(label).toMatch(/^\d\d:\d\d$/);
    }
    expect(ticks[1]!.t - ticks[0]!.t).toBe(10 * M);
  });
  it('names the day at midnight and on axes spanning days', () => {
    const day = timeTicks(start, start + 24 * H, 800);
    const midnight = day.find((t) => new Date(t.t).getHours() === 0);
    expect(midnight?.label).toMatch(/Nov|28/);
    const week = timeTicks(start, start + 30 * D, 900);
    for (const { t, label } of week) {
      expect(new Date(t).getHours()).toBe(0);
      expect(label).not.toMatch(/:/);
    }
  });
  it('has nothing to say about an empty span', () => {
    expect(timeTicks(5, 5, 800)).toEqual([]);
    expect(timeTicks(0, H, 0)).toEqual([]);
  });
});

describe('linePath', () => {
  it('draws a line and breaks it where a value is missing', () => {
    expect(linePath([0, 10, 20, 30, 40], [5, 6, null, 7, 8])).toBe('M0,5L10,6M30,7L40,8');
  });
  it('draws a lone point as a dot', () => {
    expect(linePath([0, 10, 20], [null, 6, null])).toBe('M10,6h0');
    expect(linePath([0, 10], [1, null])).toBe('M0,1h0');
  });
  it('has nothing to draw without values', () => {
    expect(linePath([0, 1], [null, null])).toBe('');
    expect(linePath([0.123, 1.987], [2.04, 3.06])).toBe('M0.1,2L2,3.1');
  });
});

describe('nearestIndex', () => {
  it('finds the nearest timestamp', () => {
    const ts = [0, 60, 120, 180];
    expect(nearestIndex(ts, -10)).toBe(0);
    expect(nearestIndex(ts, 29)).toBe(0);
    expect(nearestIndex(ts, 31)).toBe(1);
    expect(nearestIndex(ts, 1000)).toBe(3);
    expect(nearestIndex([], 5)).toBe(-1);
  });
});

describe('seriesNames', () => {
  it('names series by what tells them apart', () => {
    expect(
      seriesNames([
        { metric: 'ifHCInOctets', device: 'epc-1', labels: { ifName: 'eth0', ifType: '6' } },
        { metric: 'ifHCInOctets', device: 'epc-1', labels: { ifName: 'eth1', ifType: '6' } },
      ]),
    ).toEqual(['ifName=eth0', 'ifName=eth1']);
    expect(
      seriesNames([
        { metric: 'cpu', device: 'epc-1', labels: {} },
        { metric: 'cpu', device: 'epc-2', labels: {} },
      ]),
    ).toEqual(['epc-1', 'epc-2']);
  });
  it('names a single series in full, or by the metric when it has nothing else', () => {
    expect(seriesNames([{ metric: 'cpu', device: 'epc-1', labels: { core: '0' } }])).toEqual(['epc-1 · core=0']);
    expect(seriesNames([{ metric: 'cpu', labels: {} }], 'sum(cpu)')).toEqual(['sum(cpu)']);
    expect(seriesNames([{ metric: 'cpu', labels: {} }])).toEqual(['cpu']);
  });
});

describe('seriesNames uniqueness and formatStep', () => {
  it('numbers series that cannot be told apart', () => {
    expect(seriesNames([{ metric: 'a', labels: {} }, { metric: 'a', labels: {} }])).toEqual(['a', 'a #2']);
  });
  it('writes steps in the largest whole unit', () => {
    expect(formatStep(15_000)).toBe('15s');
    expect(formatStep(5 * M)).toBe('5m');
    expect(formatStep(2 * H)).toBe('2h');
    expect(formatStep(4 * D)).toBe('4d');
    expect(formatStep(90_000)).toBe('90s');
  });
});
