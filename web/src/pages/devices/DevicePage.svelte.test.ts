// @vitest-environment jsdom
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import DevicePage from './DevicePage.svelte';
import { fixedWidthResizeObserver, jsonResponse, pushServerEvent, settle } from '../../testing';

const FakeResizeObserver = fixedWidthResizeObserver(600);

const DEVICE = {
  id: 'd-1',
  name: 'epc-north-1',
  address: '10.0.0.5',
  port: 161,
  snmp: { version: '2c', community_set: true },
  profile: 'epc-default',
  interval_s: 60,
  timeout_ms: 1500,
  retries: 2,
  max_repetitions: 25,
  tags: { site: 'north' },
  custom_oids: [],
  enabled: true,
  status: 'up',
  status_since: '2026-11-27T10:00:00.000Z',
  last_poll_at: '2026-11-27T10:05:00.000Z',
  last_latency_ms: 4.2,
  last_error: null,
  sys_uptime_s: 93_600,
  created_at: '',
  updated_at: '',
};
const TRAP = {
  id: 'ev-1',
  device: 'd-1',
  at: '2026-11-27T10:03:00.000Z',
  version: '2c',
  source: '10.0.0.5:49152',
  trap_oid: '1.3.6.1.6.3.1.1.5.3',
  trap_name: 'IF-MIB::linkDown',
  inform: false,
  varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.3', name: 'IF-MIB::ifIndex.3', type: 'Integer', value: '3' }],
};

describe('DevicePage', () => {
  const fetchMock = vi.fn<typeof fetch>();
  let target: HTMLElement;
  let component: ReturnType<typeof mount> | null = null;
  const calls = (suffix: string) =>
    fetchMock.mock.calls.map((c) => new URL(String(c[0]), 'https://x')).filter((u) => u.pathname.endsWith(suffix));

  beforeEach(() => {
    history.replaceState(null, '', '/#/t/acme/devices/d-1?range=6h');
    vi.stubGlobal('fetch', fetchMock);
    vi.stubGlobal('ResizeObserver', FakeResizeObserver);
    fetchMock.mockImplementation(async (input) => {
      const url = new URL(String(input), 'https://x');
      const p = url.pathname;
      if (p.endsWith('/devices/d-1')) return jsonResponse(DEVICE);
      if (p.endsWith('/devices/d-1/stats'))
        return jsonResponse({ device: 'd-1', from: '', to: '', availability_pct: 99.95, polls: { ok: 1439, failed: 1, success_ratio: 0.9993 }, latency_ms: { p50: 3.2, p95: 8, p99: 12.5 } });
      if (p.endsWith('/series'))
        return jsonResponse({ items: [{ metric: 'snmp_up', device: 'd-1', labels: {} }, { metric: 'ifHCInOctets', device: 'd-1', labels: { ifName: 'eth0' } }], next_cursor: null });
      if (p.endsWith('/query_range'))
        return jsonResponse({ start: 0, end: 60_000, step: 60_000, tier: 'raw', timestamps: [0, 60_000], series: [{ metric: 'x', device: 'd-1', labels: {}, values: [1, 2] }] });
      if (p.endsWith('/events')) return jsonResponse({ items: [{ id: 'ev-1', type: 'snmp.trap', device: 'd-1', at: TRAP.at, data: TRAP }], next_cursor: null });
      return jsonResponse({});
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

  it('shows the device, its statistics over the range, its charts and its events', async () => {
    component = mount(DevicePage, { target, props: { tenant: 'acme', id: 'd-1', role: 'viewer' } });
    await settle(6);
    expect(target.querySelector('h1')!.textContent).toBe('epc-north-1');
    expect(target.querySelector('[data-testid="device-facts"]')!.textContent).toMatch(/Uptime\s+1 d 2 h/);

    // Statistics over the 6 h range named in the address.
    const stats = calls('/stats');
    expect(stats).toHaveLength(1);
    const from = Date.parse(stats[0]!.searchParams.get('from')!);
    const to = Date.parse(stats[0]!.searchParams.get('to')!);
    expect(to - from).toBe(6 * 3600_000);
    expect(target.querySelector('[data-testid="stat-availability"]')!.textContent).toBe('99.95 %');
    expect(target.querySelector('[data-testid="stat-success"]')!.textContent).toBe('99.93 %');
    expect(target.querySelector('[data-testid="stat-latency"]')!.textContent).toBe('3.2 ms / 8.0 ms / 12.5 ms');

    // Latency and status history first, then the device's other metrics; all for this device.
    expect(calls('/series')[0]!.searchParams.get('device')).toBe('d-1');
    const charted = [...target.querySelectorAll('[data-chart]')].map((c) => c.getAttribute('data-chart'));
    expect(charted).toEqual(['snmp_poll_latency_ms', 'snmp_up', 'ifHCInOctets']);
    const ranges = calls('/query_range');
    expect(ranges.map((u) => u.searchParams.get('metric')).sort()).toEqual(['ifHCInOctets', 'snmp_poll_latency_ms', 'snmp_up']);
    expect(ranges.every((u) => u.searchParams.get('device') === 'd-1')).toBe(true);

    // Events: the trap with its varbinds; a new one pushed live goes on top.
    expect(calls('/events')[0]!.searchParams.get('device')).toBe('d-1');
    const list = () => [...target.querySelectorAll('[data-testid="device-events"] li')];
    expect(list()[0]!.textContent).toMatch(/IF-MIB::linkDown/);
    expect(list()[0]!.textContent).toMatch(/IF-MIB::ifIndex\.3\s*Integer\s*3/);
    pushServerEvent({ type: 'snmp.device.status', tenant: 'acme', data: { device: 'd-1', name: 'epc-north-1', status: 'down', previous: 'up', at: '2026-11-27T10:10:00.000Z', reason: 'timeout' } });
    pushServerEvent({ type: 'snmp.trap', tenant: 'acme', data: { ...TRAP, id: 'ev-2', device: 'd-9' } });
    flushSync();
    expect(list()).toHaveLength(2);
    expect(list()[0]!.textContent).toMatch(/down \(was up\)/);
    // The header follows the same status change.
    expect(target.querySelector('[data-testid="device-facts"] [data-status]')!.getAttribute('data-status')).toBe('down');
  });
});
