// @vitest-environment jsdom
import { flushSync, mount, unmount, type ComponentProps } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import LatestValuesTable from './LatestValuesTable.svelte';

type Props = ComponentProps<typeof LatestValuesTable>;

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('LatestValuesTable', () => {
  const fetchMock = vi.fn<typeof fetch>();
  let target: HTMLElement;
  let component: ReturnType<typeof mount> | null = null;

  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock);
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

  function render(overrides: Partial<Props> = {}) {
    const props: Props = $state({ tenant: 'acme', query: { metric: 'ifHCInOctets' }, ...overrides });
    component = mount(LatestValuesTable, { target, props });
    flushSync();
    return props;
  }
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
  };
  const sent = (i: number) => new URL(String(fetchMock.mock.calls[i]![0]), 'https://x');

  it('lists each series by device and labels, with its value in the metric’s unit', async () => {
    const now = Date.now();
    fetchMock.mockResolvedValue(
      json({
        at: now,
        series: [
          { metric: 'ifHCInOctets', device: 'epc-2', labels: { ifName: 'eth0' }, timestamp: now - 5000, value: 2_500_000 },
          { metric: 'ifHCInOctets', device: 'epc-1', labels: { ifName: 'eth1' }, timestamp: now - 5000, value: 812 },
          { metric: 'ifHCInOctets', device: 'epc-1', labels: { ifName: 'eth0' }, timestamp: now - 600_000, value: 1520 },
        ],
      }),
    );
    render({ query: { metric: 'ifHCInOctets', device: 'epc-1', labels: 'ifName=~eth.*' }, at: 1_700_000_000_000 });
    await settle();
    expect(Object.fromEntries(sent(0).searchParams)).toEqual({
      metric: 'ifHCInOctets',
      device: 'epc-1',
      labels: 'ifName=~eth.*',
      at: '1700000000',
    });
    const rows = [...target.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['epc-1', 'ifName=eth0', '1.52 KB', '10 minutes ago'],
      ['epc-1', 'ifName=eth1', '812 B', 'just now'],
      ['epc-2', 'ifName=eth0', '2.5 MB', 'just now'],
    ]);
  });

  it('says when nothing is recent, and asks again when the query changes', async () => {
    fetchMock.mockResolvedValue(json({ at: 0, series: [] }));
    const props = render({ query: { metric: 'cpu' } });
    await settle();
    expect(target.textContent).toMatch(/No recent values/);
    props.query = { metric: 'cpu' };
    await settle();
    expect(fetchMock).toHaveBeenCalledTimes(1); // the same query
    props.query = { metric: 'cpu', device: 'epc-3' };
    await settle();
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(sent(1).searchParams.get('device')).toBe('epc-3');
  });

  it('shows the server’s error with a retry', async () => {
    fetchMock.mockResolvedValueOnce(json({ error: { code: 'invalid_argument', message: 'bad matcher' } }, 400));
    render();
    await settle();
    expect(target.textContent).toMatch(/bad matcher/);
    fetchMock.mockResolvedValueOnce(json({ at: 0, series: [{ metric: 'm', device: 'd', labels: {}, timestamp: Date.now(), value: 1 }] }));
    [...target.querySelectorAll('button')].find((b) => b.textContent === 'Try again')!.click();
    await settle();
    expect(target.querySelectorAll('tbody tr')).toHaveLength(1);
  });
});
