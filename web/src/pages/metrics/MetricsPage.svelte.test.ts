// @vitest-environment jsdom
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import MetricsPage from './MetricsPage.svelte';

class FakeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe() {
    // Every chart is 800 px wide as soon as it is observed.
    queueMicrotask(() => this.callback([{ contentRect: { width: 800 } } as ResizeObserverEntry], this as unknown as ResizeObserver));
  }
  unobserve() {}
  disconnect() {}
}

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

const SERIES = [
  { metric: 'ifHCInOctets', device: 'epc-1', labels: { ifName: 'eth0' } },
  { metric: 'ifHCInOctets', device: 'epc-2', labels: { ifName: 'eth0' } },
  { metric: 'epcAttachedUEs', device: 'epc-3', labels: {} },
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
      if (url.pathname.endsWith('/series')) return json({ items: SERIES, next_cursor: null });
      if (url.pathname.endsWith('/query_range'))
        return json({ start: 0, end: 60_000, step: 60_000, tier: 'raw', timestamps: [0, 60_000], series: [{ metric: 'x', device: 'epc-1', labels: {}, values: [1, 2] }] });
      return json({ at: 0, series: [] });
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

  async function settle() {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 0));
      flushSync();
    }
  }

  it('offers the metrics from /series and charts the one picked, counters as a rate', async () => {
    component = mount(MetricsPage, { target, props: { tenant: 'acme' } });
    await settle();
    expect(target.textContent).toMatch(/Pick a metric/);
    expect(target.textContent).toMatch(/2 metrics from\s+3\s+devices/);
    const names = [...target.querySelectorAll('#metrics-metric-names option')].map((o) => o.getAttribute('value'));
    expect(names).toEqual(['epcAttachedUEs', 'ifHCInOctets']);

    const input = target.querySelector<HTMLInputElement>('#metrics-metric')!;
    input.value = 'ifHCInOctets';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();

    // Devices now come from the chosen metric's series.
    const devices = [...target.querySelectorAll('#metrics-device option')].map((o) => o.textContent);
    expect(devices).toEqual(['All devices', 'epc-1', 'epc-2']);
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
    await settle();
    const ranges = calls('/query_range');
    expect(ranges).toHaveLength(1);
    expect(Object.fromEntries(ranges[0]!.searchParams)).toMatchObject({ metric: 'epcAttachedUEs', device: 'epc-3', fn: 'max', step: '1800s' });
    expect(target.querySelector('[aria-pressed="true"]')?.textContent).toBe('7d');
  });

  it('explains how to get data into an empty tenant', async () => {
    fetchMock.mockImplementation(async () => json({ items: [], next_cursor: null }));
    component = mount(MetricsPage, { target, props: { tenant: 'acme' } });
    await settle();
    expect(target.textContent).toMatch(/No metrics yet/);
    expect(target.querySelector('pre')?.textContent).toMatch(/\/api\/v1\/tenants\/acme\/write\?precision=s/);
  });
});
