import { describe, expect, it } from 'vitest';
import { defaultFnFor, EMPTY_VIEW, viewFromHash, viewQuery, viewToHash } from './metrics-view';

describe('metrics view in the address', () => {
  it('round-trips through the hash, leaving defaults out', () => {
    expect(viewToHash('#/t/acme/metrics', EMPTY_VIEW)).toBe('#/t/acme/metrics');
    const view = {
      ...EMPTY_VIEW,
      metric: 'ifHCInOctets',
      device: 'epc 1',
      fn: 'rate' as const,
      agg: 'sum' as const,
      by: 'site',
      labels: 'ifName=~eth.*',
      range: { kind: 'last' as const, ms: 6 * 3600_000 },
      refreshMs: 60_000,
    };
    const hash = viewToHash('#/t/acme/metrics', view);
    expect(hash).toBe('#/t/acme/metrics?metric=ifHCInOctets&device=epc+1&fn=rate&agg=sum&by=site&labels=ifName%3D%7Eeth.*&range=6h&refresh=60000');
    expect(viewFromHash(hash)).toEqual(view);
  });
  it('falls back to defaults for what it does not know', () => {
    expect(viewFromHash('#/t/acme/metrics?fn=median&agg=mean&range=x&refresh=7')).toEqual(EMPTY_VIEW);
    expect(viewFromHash('#/t/acme/metrics')).toEqual(EMPTY_VIEW);
  });
  it('makes the chart query, with by only under an aggregate', () => {
    expect(viewQuery({ ...EMPTY_VIEW, metric: 'm', by: 'site' })).toEqual({
      metric: 'm', device: null, labels: null, fn: 'avg', agg: null, by: null,
    });
    expect(viewQuery({ ...EMPTY_VIEW, metric: 'm', agg: 'sum', by: 'site, device' }).by).toEqual(['site', 'device']);
  });
  it('charts counters as a rate', () => {
    expect(defaultFnFor('ifHCInOctets')).toBe('rate');
    expect(defaultFnFor('http_requests_total')).toBe('rate');
    expect(defaultFnFor('ifInErrors')).toBe('rate');
    expect(defaultFnFor('epcAttachedUEs')).toBe('avg');
    expect(defaultFnFor('cpu_load')).toBe('avg');
  });
});
