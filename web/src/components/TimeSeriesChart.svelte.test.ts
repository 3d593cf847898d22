// @vitest-environment jsdom
import { flushSync, mount, unmount, type ComponentProps } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import TimeSeriesChart from './TimeSeriesChart.svelte';
import type { RangeAnswer } from '../lib/timeseries';

type ChartProps = ComponentProps<typeof TimeSeriesChart>;

/** A ResizeObserver whose observed boxes take the width the test sets. */
class FakeResizeObserver {
  static all: FakeResizeObserver[] = [];
  constructor(private readonly callback: ResizeObserverCallback) {
    FakeResizeObserver.all.push(this);
  }
  observe() {}
  unobserve() {}
  disconnect() {}
  resize(width: number) {
    this.callback([{ contentRect: { width } } as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
  static resizeAll(width: number) {
    for (const o of FakeResizeObserver.all) o.resize(width);
  }
}

const M = 60_000;
const H = 60 * M;
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

function answer(series: RangeAnswer['series'], step = M): RangeAnswer {
  const n = series[0]?.values.length ?? 0;
  const start = NOW - H;
  return {
    start,
    end: NOW,
    step,
    tier: 'raw',
    timestamps: Array.from({ length: n }, (_, i) => start + i * step),
    series,
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('TimeSeriesChart', () => {
  const fetchMock = vi.fn<typeof fetch>();
  let target: HTMLElement;
  let component: ReturnType<typeof mount> | null = null;

  beforeEach(() => {
    vi.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.stubGlobal('fetch', fetchMock);
    vi.stubGlobal('ResizeObserver', FakeResizeObserver);
    FakeResizeObserver.all = [];
    target = document.createElement('div');
    document.body.append(target);
  });
  afterEach(() => {
    if (component) unmount(component);
    component = null;
    target.remove();
    fetchMock.mockReset();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  /** Lets timers fire, fetches resolve and Svelte update. */
  async function settle(ms = 0) {
    await vi.advanceTimersByTimeAsync(ms);
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
  }

  const sentUrl = (i: number) => new URL(String(fetchMock.mock.calls[i]![0]), 'https://x');

  function render(overrides: Partial<ChartProps>) {
    const props: ChartProps = $state({
      tenant: 'acme',
      query: { metric: 'epcAttachedUEs' },
      range: { kind: 'last', ms: H },
      ...overrides,
    });
    component = mount(TimeSeriesChart, { target, props });
    flushSync();
    return props;
  }

  it('asks for the step its width needs and draws one line per series', async () => {
    fetchMock.mockResolvedValue(
      json(
        answer([
          { metric: 'epcAttachedUEs', device: 'epc-1', labels: {}, values: [10, 12, null, 15] },
          { metric: 'epcAttachedUEs', device: 'epc-2', labels: {}, values: [1_500, 1_600, 1_700, 1_800] },
        ]),
      ),
    );
    render({ scrapeMs: 10_000 });
    expect(fetchMock).not.toHaveBeenCalled(); // no width yet
    FakeResizeObserver.resizeAll(800);
    await settle();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const url = sentUrl(0);
    expect(url.pathname).toBe('/api/v1/tenants/acme/query_range');
    expect(url.searchParams.get('step')).toBe('10s'); // 1 h over 400 points = 9 s → 10 s
    expect(Number(url.searchParams.get('end'))).toBe(NOW / 1000);
    expect(Number(url.searchParams.get('start'))).toBe((NOW - H) / 1000);

    const paths = target.querySelectorAll('path.line');
    expect(paths).toHaveLength(2);
    expect(paths[0]!.getAttribute('data-series')).toBe('epc-1');
    expect(paths[0]!.getAttribute('data-points')).toBe('3');
    // The gap at the third bucket breaks the first line in two.
    expect(paths[0]!.getAttribute('d')!.match(/M/g)).toHaveLength(2);
    expect(paths[1]!.getAttribute('d')!.match(/M/g)).toHaveLength(1);
    const legend = [...target.querySelectorAll('.legend .name')].map((e) => e.textContent);
    expect(legend).toEqual(['epc-1', 'epc-2']);
    // SI values on the axis, a label for screen readers.
    const ticks = [...target.querySelectorAll('.y-axis text')].map((e) => e.textContent);
    expect(ticks.some((t) => t?.endsWith('K'))).toBe(true);
    expect(target.querySelector('svg title')?.textContent).toBe('epcAttachedUEs, last 1 hour');
    expect(target.querySelector('.meta')?.textContent).toMatch(/Step 1m · raw samples/);
  });

  it('asks again only when a width change changes the step, after it settles', async () => {
    fetchMock.mockImplementation(async () => json(answer([{ metric: 'm', device: 'd', labels: {}, values: [1, 2] }])));
    render({ range: { kind: 'last', ms: 24 * H } });
    FakeResizeObserver.resizeAll(1000);
    await settle();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(sentUrl(0).searchParams.get('step')).toBe('300s');

    FakeResizeObserver.resizeAll(1010); // same step
    await settle(1000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(target.querySelector('svg')?.getAttribute('width')).toBe('1010');

    FakeResizeObserver.resizeAll(300);
    FakeResizeObserver.resizeAll(200);
    await settle(100);
    expect(fetchMock).toHaveBeenCalledTimes(1); // still debouncing
    await settle(1000);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(sentUrl(1).searchParams.get('step')).toBe('900s'); // 24 h over 100 points = 864 s
  });

  it('asks again when the query or the range changes, once they settle', async () => {
    fetchMock.mockImplementation(async () => json(answer([{ metric: 'm', device: 'd', labels: {}, values: [1, 2] }])));
    const props = render({});
    FakeResizeObserver.resizeAll(800);
    await settle();
    expect(fetchMock).toHaveBeenCalledTimes(1);

    // The same query in a new object is the same query.
    props.query = { metric: 'epcAttachedUEs' };
    await settle(1000);
    expect(fetchMock).toHaveBeenCalledTimes(1);

    props.range = { kind: 'last', ms: 7 * 24 * H };
    props.query = { metric: 'epcAttachedUEs', device: 'epc-1', fn: 'max' };
    await settle(1000);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const url = sentUrl(1);
    expect(url.searchParams.get('step')).toBe('1800s'); // 7 d over 400 points = 1512 s
    expect(url.searchParams.get('device')).toBe('epc-1');
    expect(url.searchParams.get('fn')).toBe('max');
    expect(Number(url.searchParams.get('end')) - Number(url.searchParams.get('start'))).toBe((7 * 24 * H) / 1000);
  });

  it('refreshes on its own when told to, sliding a relative range along', async () => {
    fetchMock.mockImplementation(async () => json(answer([{ metric: 'm', device: 'd', labels: {}, values: [1, 2] }])));
    render({ refreshMs: 30_000 });
    FakeResizeObserver.resizeAll(800);
    await settle();
    expect(fetchMock).toHaveBeenCalledTimes(1);

    await settle(30_000);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(Number(sentUrl(1).searchParams.get('end'))).toBe((NOW + 30_000) / 1000);
  });

  it('keeps the lines on screen when a refresh fails, and says so', async () => {
    fetchMock.mockResolvedValueOnce(json(answer([{ metric: 'm', device: 'd', labels: {}, values: [1, 2] }])));
    render({ refreshMs: 30_000 });
    FakeResizeObserver.resizeAll(800);
    await settle();
    fetchMock.mockResolvedValueOnce(json({ error: { code: 'unavailable', message: 'busy' } }, 503));
    await settle(30_000);
    expect(target.querySelectorAll('path.line')).toHaveLength(1);
    expect(target.querySelector('.refresh-error')?.textContent).toMatch(/refresh failed/);
  });

  it('shows the empty state when no series has data', async () => {
    fetchMock.mockResolvedValue(json(answer([{ metric: 'm', device: 'd', labels: {}, values: [null, null] }])));
    render({ query: { metric: 'ifHCInOctets', device: 'epc-9', fn: 'rate' } });
    FakeResizeObserver.resizeAll(800);
    await settle();
    expect(target.querySelector('[data-testid="chart-empty"]')?.textContent).toMatch(/No data in this range/);
    expect(target.querySelector('[data-testid="chart-empty"] code')?.textContent).toBe('rate(ifHCInOctets{device="epc-9"})');
    expect(target.querySelector('path.line')).toBeNull();
  });

  it('shows the server error and tries again on request', async () => {
    fetchMock.mockResolvedValueOnce(json({ error: { code: 'invalid_argument', message: 'unknown fn', request_id: 'r-1' } }, 400));
    render({});
    FakeResizeObserver.resizeAll(800);
    await settle();
    expect(target.textContent).toMatch(/Could not load this/);
    expect(target.textContent).toMatch(/unknown fn/);
    expect(target.textContent).toMatch(/r-1/);

    fetchMock.mockResolvedValueOnce(json(answer([{ metric: 'm', device: 'd', labels: {}, values: [3, 4] }])));
    [...target.querySelectorAll('button')].find((b) => b.textContent === 'Try again')!.click();
    await settle();
    expect(target.querySelectorAll('path.line')).toHaveLength(1);
  });

  it('shows a loading state first', async () => {
    fetchMock.mockReturnValue(new Promise(() => {}));
    render({});
    FakeResizeObserver.resizeAll(800);
    await settle();
    expect(target.querySelector('[role="status"]')?.textContent).toMatch(/Loading the chart/);
  });

  it('hides a series from its legend entry, and caps how many it draws', async () => {
    const series = Array.from({ length: 5 }, (_, i) => ({ metric: 'm', device: `epc-${i}`, labels: {}, values: [i, i + 1] }));
    fetchMock.mockResolvedValue(json(answer(series)));
    render({ maxSeries: 3 });
    FakeResizeObserver.resizeAll(800);
    await settle();
    expect(target.querySelectorAll('path.line')).toHaveLength(3);
    expect(target.querySelector('[data-testid="chart-truncated"]')?.textContent).toMatch(/Showing 3 of 5 series/);

    const first = target.querySelector<HTMLButtonElement>('.legend button')!;
    expect(first.getAttribute('aria-pressed')).toBe('true');
    first.click();
    flushSync();
    expect(first.getAttribute('aria-pressed')).toBe('false');
    expect([...target.querySelectorAll('path.line')].map((p) => p.getAttribute('data-series'))).toEqual(['epc-1', 'epc-2']);
  });

  it('shows the values at the pointer in a tooltip', async () => {
    fetchMock.mockResolvedValue(
      json(answer([{ metric: 'ifHCInOctets', device: 'epc-1', labels: { ifName: 'eth0' }, values: [1e6, 2e6, 3e6, 4e6] }], 15 * M)),
    );
    render({ query: { metric: 'ifHCInOctets', fn: 'rate' } });
    FakeResizeObserver.resizeAll(800);
    await settle();
    const svg = target.querySelector('svg')!;
    // jsdom lays nothing out: the svg's left edge is at 0, so clientX is the x inside it.
    svg.dispatchEvent(new PointerEvent('pointermove', { clientX: 770, bubbles: true }));
    flushSync();
    const tip = target.querySelector('[data-testid="chart-tooltip"]');
    expect(tip?.textContent).toMatch(/4 MB\/s/);
    expect(tip?.textContent).toMatch(/epc-1 · ifName=eth0/);
    svg.dispatchEvent(new PointerEvent('pointerleave'));
    flushSync();
    expect(target.querySelector('[data-testid="chart-tooltip"]')).toBeNull();
  });
});
