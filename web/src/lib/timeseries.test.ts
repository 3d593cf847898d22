// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  describeQuery,
  discoverSeries,
  labelMatchers,
  listMetrics,
  NICE_STEPS,
  queryLatest,
  queryRange,
  stepFor,
  summarizeSeries,
} from './timeseries';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('stepFor', () => {
  it('asks for about one point per 2 px, rounded up to a nice step', () => {
    expect(stepFor(24 * H, 1000)).toBe(5 * M); // 172.8 s wanted
    expect(stepFor(7 * D, 1000)).toBe(30 * M); // 1209.6 s
    expect(stepFor(30 * D, 1000)).toBe(2 * H); // 1.44 h
    expect(stepFor(30 * D, 200)).toBe(12 * H); // 7.2 h
    expect(stepFor(6 * H, 720, 10 * S)).toBe(1 * M); // exactly 60 s
    expect(stepFor(6 * H, 721, 10 * S)).toBe(1 * M);
    expect(stepFor(6 * H, 719, 10 * S)).toBe(2 * M); // 60.2 s
  });
  it('never goes below the scrape interval (60 s unless told)', () => {
    expect(stepFor(H, 1200)).toBe(M); // 6 s wanted
    expect(stepFor(H, 1200, 10 * S)).toBe(10 * S);
    expect(stepFor(H, 1200, 15 * S)).toBe(15 * S);
    expect(stepFor(H, 1200, 5 * M)).toBe(5 * M);
    // A scrape interval that is not a nice step rounds up to one.
    expect(stepFor(H, 1200, 20 * S)).toBe(30 * S);
    expect(stepFor(H, 1200, 45 * S)).toBe(M);
  });
  it('gives the points a width asks for without exceeding it', () => {
    for (const range of [H, 6 * H, D, 7 * D, 30 * D])
      for (const width of [120, 333, 800, 1366, 2560]) {
        const step = stepFor(range, width, 10 * S);
        expect(NICE_STEPS).toContain(step);
        expect(range / step).toBeLessThanOrEqual(width / 2);
        // The next finer nice step would have given too many points (or broken the floor).
        const finer = NICE_STEPS[NICE_STEPS.indexOf(step) - 1];
        if (finer && finer >= 10 * S) expect(range / finer).toBeGreaterThan(width / 2);
      }
  });
  it('uses whole days beyond the largest nice step', () => {
    expect(stepFor(365 * D, 200)).toBe(4 * D); // 3.65 d
    expect(stepFor(10 * 365 * D, 100)).toBe(73 * D);
  });
  it('stays within the API limit of 11,000 points on very wide charts', () => {
    expect((30 * D) / stepFor(30 * D, 100_000, 10 * S)).toBeLessThanOrEqual(11_000);
  });
  it('copes with a chart not laid out yet and with nonsense', () => {
    expect(stepFor(H, 0)).toBe(H); // one point
    expect(stepFor(H, -5)).toBe(H);
    expect(stepFor(0, 800)).toBe(M);
    expect(stepFor(Number.NaN, 800, 0)).toBe(10 * S);
  });
});

describe('labelMatchers', () => {
  it('writes equality matchers in name order, and passes text through', () => {
    expect(labelMatchers({ ifName: 'eth0', device: 'epc-1' })).toBe('device=epc-1,ifName=eth0');
    expect(labelMatchers(' ifName=~eth.* ')).toBe('ifName=~eth.*');
    expect(labelMatchers(null)).toBe('');
    expect(labelMatchers({})).toBe('');
  });
});

describe('summarizeSeries', () => {
  it('lists distinct metrics, devices and label names', () => {
    expect(
      summarizeSeries([
        { metric: 'ifHCInOctets', device: 'epc-2', labels: { ifName: 'eth0' } },
        { metric: 'ifHCInOctets', device: 'epc-1', labels: { ifName: 'eth1' } },
        { metric: 'cpu', device: 'epc-1', labels: {} },
        { metric: 'temp', device: null, labels: { site: 'x' } },
      ]),
    ).toEqual({ metrics: ['cpu', 'ifHCInOctets', 'temp'], devices: ['epc-1', 'epc-2'], labelNames: ['ifName', 'site'] });
  });
});

describe('time-series client', () => {
  const fetchMock = vi.fn<typeof fetch>();
  const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  const sent = (i = 0) => new URL(String(fetchMock.mock.calls[i]![0]), 'https://x');

  beforeEach(() => vi.stubGlobal('fetch', fetchMock));
  afterEach(() => {
    fetchMock.mockReset();
    vi.unstubAllGlobals();
  });

  it('asks query_range with times in seconds and the step as a duration', async () => {
    fetchMock.mockResolvedValue(ok({ start: 0, end: 0, step: 60000, tier: 'raw', timestamps: [], series: [] }));
    await queryRange(
      'acme',
      { metric: 'ifHCInOctets', device: 'epc-1', labels: { ifName: 'eth0' }, fn: 'rate', agg: 'sum', by: ['site', 'device'] },
      { start: 1_700_000_000_000, end: 1_700_003_600_500 },
      5 * M,
    );
    const url = sent();
    expect(url.pathname).toBe('/api/v1/tenants/acme/query_range');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      metric: 'ifHCInOctets',
      device: 'epc-1',
      labels: 'ifName=eth0',
      start: '1700000000',
      end: '1700003600.5',
      step: '300s',
      fn: 'rate',
      agg: 'sum',
      by: 'site,device',
    });
  });

  it('leaves out what is not set (no by without agg)', async () => {
    fetchMock.mockResolvedValue(ok({ start: 0, end: 0, step: 60000, tier: 'raw', timestamps: [], series: [] }));
    await queryRange('a b', { metric: 'cpu', by: ['site'] }, { start: 0, end: 60_000 }, 15 * S);
    const url = sent();
    expect(url.pathname).toBe('/api/v1/tenants/a%20b/query_range');
    expect([...url.searchParams.keys()].sort()).toEqual(['end', 'metric', 'start', 'step']);
  });

  it('asks /query for the latest values', async () => {
    fetchMock.mockResolvedValue(ok({ at: 1, series: [] }));
    await queryLatest('acme', { metric: 'epcAttachedUEs', at: 1_700_000_000_000, lookbackMs: 5 * M });
    expect(sent().pathname).toBe('/api/v1/tenants/acme/query');
    expect(Object.fromEntries(sent().searchParams)).toEqual({ metric: 'epcAttachedUEs', at: '1700000000', lookback: '300s' });
  });

  it('lists the metric names of a tenant with their series counts', async () => {
    fetchMock.mockResolvedValue(ok({ items: [{ name: 'if_HCInOctets', series: 3 }] }));
    expect(await listMetrics('a b')).toEqual([{ name: 'if_HCInOctets', series: 3 }]);
    expect(sent().pathname).toBe('/api/v1/tenants/a%20b/metrics');
    expect([...sent().searchParams.keys()]).toEqual([]);
  });

  it('walks /series pages and says when it stopped early', async () => {
    let n = 0;
    fetchMock.mockImplementation(async () => {
      n++;
      return ok({ items: [{ metric: `m${n}`, device: 'd', labels: {} }], next_cursor: `c${n}` });
    });
    const { series, complete } = await discoverSeries('acme', { device: 'd' }, 3);
    expect(series.map((s) => s.metric)).toEqual(['m1', 'm2', 'm3']);
    expect(complete).toBe(false);
    expect(sent(1).searchParams.get('cursor')).toBe('c1');
    expect(sent(0).searchParams.get('device')).toBe('d');
    expect(sent(0).searchParams.get('limit')).toBe('500');

    fetchMock.mockReset();
    fetchMock.mockResolvedValue(ok({ items: [{ metric: 'x', labels: {} }], next_cursor: null }));
    expect((await discoverSeries('acme', {}, 3)).complete).toBe(true);
  });
});

describe('describeQuery', () => {
  it('writes a query the way PromQL readers expect', () => {
    expect(describeQuery({ metric: 'cpu' })).toBe('cpu');
    expect(describeQuery({ metric: 'cpu', fn: 'avg' })).toBe('cpu');
    expect(describeQuery({ metric: 'ifHCInOctets', device: 'epc-1', labels: { ifName: 'eth0' }, fn: 'rate' })).toBe(
      'rate(ifHCInOctets{device="epc-1",ifName=eth0})',
    );
    expect(describeQuery({ metric: 'ues', agg: 'sum', by: ['site'] })).toBe('sum by (site) (ues)');
    expect(describeQuery({ metric: 'ues', agg: 'max', by: [] })).toBe('max (ues)');
  });
});
