// @vitest-environment jsdom
import { mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import MetricsPage from './MetricsPage.svelte';
import { fixedWidthResizeObserver, jsonResponse, settle } from '../../testing';

// Every chart is 800 px wide as soon as it is observed.
const FakeResizeObserver = fixedWidthResizeObserver(800);

const SERIES = [
  { metric: 'ifHCInOctets', device: 'epc-1', labels: { ifName: 'eth0' } },
  { metric: 'ifHCInOctets', device: 'epc-2', labels: { ifName: 'eth0' } },
  { metric: 'epcAttachedUEs', device: 'epc-3', labels: {} },
];
const METRICS = [
  { name: 'epcAttachedUEs', series: 1 },
  { name: 'ifHCInOctets', series: 2 },
];

describe('MetricsPage', () => {
  const fetchMock = vi.fn<typeof fetch>();
  let target: HTMLElement;
  let component: ReturnType<typeof mount> | null = null;
  const calls = (path: string) =>
    fetchMock.mock.calls.map((c) => new URL(String(c[0]), 'https://x')).filter((u) => u.pathname.endsWith(path));

  beforeEach(() => {
    history.replaceState(null, '', '/#/t/acme/metrics');
    vi.stubGlobal('fetch', fetchMock);
    vi.stubGlobal('ResizeObserver', FakeResizeObserver);
    fetchMock.mockImplementation(async (input) => {
      const url = new URL(String(input), 'https://x');
      if (url.pathname.endsWith('/metrics')) return jsonResponse({ items: METRICS });
      if (url.pathname.endsWith('/series')) {
        const metric = url.searchParams.get('metric');
        return jsonResponse({ items: SERIES.filter((s) => !metric || s.metric === metric), next_cursor: null });
      }
      if (url.pathname.endsWith('/query_range'))
        return jsonResponse({ start: 0, end: 60_000, step: 60_000, tier: 'raw', timestamps: [0, 60_000], series: [{ metric: 'x', device: 'epc-1', labels: {}, values: [1, 2] }] });
      return jsonResponse({ at: 0, series: [] });
    });
    target = document.createElement('div');
    document.body.append(target);
  });
  afterEach(() => {
    if (component) unmount(component);
    component = null;
    target.remove();
    fetchMock.mockReset();
    vi.unstubAllGlobals();
  });

  it('offers the metrics from /metrics and charts the one picked, counters as a rate', async () => {
    component = mount(MetricsPage, { target, props: { tenant: 'acme' } });
    await settle(3);
    expect(target.textContent).toMatch(/Pick a metric/);
    expect(target.textContent).toMatch(/2 metrics in\s+3\s+series/);
    const names = [...target.querySelectorAll<HTMLOptionElement>('#metrics-metric-names option')].map((o) => [o.value, o.label]);
    expect(names).toEqual([
      ['epcAttachedUEs', '1 series'],
      ['ifHCInOctets', '2 series'],
    ]);
    expect(calls('/metrics')).toHaveLength(1);
    // No series are read until a metric is chosen.
    expect(calls('/series')).toHaveLength(0);

    const input = target.querySelector<HTMLInputElement>('#metrics-metric')!;
    input.value = 'ifHCInOctets';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await settle(3);

    // Devices come from the chosen metric's series.
    const series = calls('/series');
    expect(series).toHaveLength(1);
    expect(series[0]!.searchParams.get('metric')).toBe('ifHCInOctets');
    const devices = [...target.querySelectorAll('#metrics-device option')].map((o) => o.textContent);
    expect(devices).toEqual(['All devices', 'epc-1', 'epc-2']);
    expect(target.querySelector('[data-testid="metric-series"]')?.textContent).toBe('2 series');
    expect(target.querySelector<HTMLSelectElement>('#metrics-fn')!.value).toBe('rate');

    const ranges = calls('/query_range');
    expect(ranges).toHaveLength(1);
    expect(ranges[0]!.searchParams.get('metric')).toBe('ifHCInOctets');
    expect(ranges[0]!.searchParams.get('fn')).toBe('rate');
    expect(calls('/query')).toHaveLength(1);
    expect(target.querySelectorAll('path.line')).toHaveLength(1);
    expect(location.hash).toBe('#/t/acme/metrics?metric=ifHCInOctets&fn=rate');
  });

  it('opens the view the address names', async () => {
    history.replaceState(null, '', '/#/t/acme/metrics?metric=epcAttachedUEs&device=epc-3&fn=max&range=7d');
    component = mount(MetricsPage, { target, props: { tenant: 'acme' } });
    await settle(3);
    const ranges = calls('/query_range');
    expect(ranges).toHaveLength(1);
    expect(Object.fromEntries(ranges[0]!.searchParams)).toMatchObject({ metric: 'epcAttachedUEs', device: 'epc-3', fn: 'max', step: '1800s' });
    expect(target.querySelector('[aria-pressed="true"]')?.textContent).toBe('7d');
    expect(calls('/series').map((u) => u.searchParams.get('metric'))).toEqual(['epcAttachedUEs']);
    const devices = [...target.querySelectorAll('#metrics-device option')].map((o) => o.textContent);
    expect(devices).toEqual(['All devices', 'epc-3']);
    expect(target.querySelector<HTMLSelectElement>('#metrics-device')!.value).toBe('epc-3');
  });

  it('reads the chosen metric\'s series again on refresh', async () => {
    history.replaceState(null, '', '/#/t/acme/metrics?metric=ifHCInOctets');
    component = mount(MetricsPage, { target, props: { tenant: 'acme' } });
    await settle(3);
    expect(calls('/series')).toHaveLength(1);
    target.querySelector<HTMLButtonElement>('button[title="Load again"]')!.click();
    await settle(3);
    expect(calls('/metrics')).toHaveLength(2);
    expect(calls('/series')).toHaveLength(2);
  });

  it('says when the metric names cannot be loaded, and loads them again on retry', async () => {
    const names = fetchMock.getMockImplementation()!;
    fetchMock.mockImplementation(async (input, init) =>
      new URL(String(input), 'https://x').pathname.endsWith('/metrics')
        ? new Response(JSON.stringify({ error: 'boom' }), { status: 500, headers: { 'Content-Type': 'application/json' } })
        : names(input, init),
    );
    component = mount(MetricsPage, { target, props: { tenant: 'acme' } });
    await settle(3);
    expect(target.textContent).toMatch(/Could not load this/);
    fetchMock.mockImplementation(names);
    const retry = [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Try again');
    expect(retry).toBeTruthy();
    retry!.click();
    await settle(3);
    expect(target.textContent).toMatch(/Pick a metric/);
  });

  it('explains how to get data into an empty tenant', async () => {
    fetchMock.mockImplementation(async () => jsonResponse({ items: [] }));
    component = mount(MetricsPage, { target, props: { tenant: 'acme' } });
    await settle(3);
    expect(target.textContent).toMatch(/No metrics yet/);
    expect(target.querySelector('pre')?.textContent).toMatch(/\/api\/v1\/tenants\/acme\/write\?precision=s/);
  });
});
