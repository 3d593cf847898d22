// @vitest-environment jsdom
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Device } from '../../lib/types';
import DevicesPage from './DevicesPage.svelte';
import { jsonResponse, pushServerEvent, settle } from '../../testing';

function dev(id: string, name: string, over: Partial<Device> = {}): Device {
  return {
    id,
    name,
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
    status_since: new Date(Date.now() - 3 * 3600_000).toISOString(),
    last_poll_at: new Date().toISOString(),
    last_latency_ms: 4.2,
    last_error: null,
    sys_uptime_s: 100,
    created_at: '',
    updated_at: '',
    ...over,
  };
}

describe('DevicesPage', () => {
  const fetchMock = vi.fn<typeof fetch>();
  let target: HTMLElement;
  let component: ReturnType<typeof mount> | null = null;
  const lists = () =>
    fetchMock.mock.calls.map((c) => new URL(String(c[0]), 'https://x')).filter((u) => u.pathname === '/api/v1/tenants/acme/devices');

  beforeEach(() => {
    history.replaceState(null, '', '/#/t/acme/devices');
    vi.stubGlobal('fetch', fetchMock);
    fetchMock.mockImplementation(async (input) => {
      const url = new URL(String(input), 'https://x');
      if (url.searchParams.get('cursor') === 'c-2') return jsonResponse({ items: [dev('d-3', 'epc-west-1')], next_cursor: null });
      return jsonResponse({ items: [dev('d-1', 'epc-north-1'), dev('d-2', 'epc-north-2', { status: 'down', tags: {} })], next_cursor: 'c-2' });
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
    vi.useRealTimers();
  });

  const statuses = () => [...target.querySelectorAll('tbody tr')].map((tr) => [tr.getAttribute('data-name'), tr.querySelector('[data-status]')?.getAttribute('data-status')]);

  it('lists the devices with status, latency and tags, and operators’ actions', async () => {
    component = mount(DevicesPage, { target, props: { tenant: 'acme', role: 'operator' } });
    await settle();
    expect(statuses()).toEqual([
      ['epc-north-1', 'up'],
      ['epc-north-2', 'down'],
    ]);
    const first = target.querySelector('tr[data-device="d-1"]')!;
    expect(first.querySelector('a')!.getAttribute('href')).toBe('#/t/acme/devices/d-1');
    expect(first.textContent).toMatch(/4\.2 ms/);
    expect(first.textContent).toMatch(/for 3 h/);
    expect(first.textContent).toMatch(/site=north/);
    expect(first.querySelector('[aria-label="Disable epc-north-1"]')).not.toBeNull();
    expect(lists()[0]!.search).toBe('?limit=50');
  });

  it('shows viewers no actions', async () => {
    component = mount(DevicesPage, { target, props: { tenant: 'acme', role: 'viewer' } });
    await settle();
    expect(target.querySelector('[aria-label="Edit epc-north-1"]')).toBeNull();
    expect(target.textContent).toMatch(/Read-only/);
  });

  it('updates a row when its status changes on the events WebSocket', async () => {
    component = mount(DevicesPage, { target, props: { tenant: 'acme', role: 'viewer' } });
    await settle();
    pushServerEvent({ type: 'snmp.device.status', tenant: 'acme', data: { device: 'd-1', name: 'epc-north-1', status: 'down', previous: 'up', at: new Date().toISOString(), reason: 'timeout' } });
    pushServerEvent({ type: 'snmp.device.status', tenant: 'globex', data: { device: 'd-2', status: 'up', at: new Date().toISOString() } });
    flushSync();
    expect(statuses()).toEqual([
      ['epc-north-1', 'down'],
      ['epc-north-2', 'down'],
    ]);
    expect(target.querySelector('tr[data-device="d-1"]')!.classList.contains('fresh')).toBe(true);
    expect(lists()).toHaveLength(1);
  });

  it('sends the filters as the API’s query, keeps them in the address, and pages with the cursor', async () => {
    component = mount(DevicesPage, { target, props: { tenant: 'acme', role: 'viewer' } });
    await settle();
    const next = [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Next')!;
    next.click();
    await settle();
    expect(lists()[1]!.searchParams.get('cursor')).toBe('c-2');
    expect(statuses()).toEqual([['epc-west-1', 'up']]);
    expect(target.querySelector('[data-testid="pager-range"]')!.textContent).toMatch(/Devices 51–51 of 51/);

    const status = target.querySelector<HTMLSelectElement>('#devices-status')!;
    status.value = 'down';
    status.dispatchEvent(new Event('change', { bubbles: true }));
    const tags = target.querySelector<HTMLInputElement>('#devices-tags')!;
    tags.value = 'site=north, rack:4';
    tags.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    await new Promise((r) => setTimeout(r, 400));
    await settle();
    const last = lists().at(-1)!;
    expect(last.searchParams.get('status')).toBe('down');
    expect(last.searchParams.getAll('tag')).toEqual(['site:north', 'rack:4']);
    expect(last.searchParams.get('cursor')).toBeNull();
    expect(location.hash).toBe('#/t/acme/devices?status=down&tags=site%3Dnorth%2C+rack%3D4');
  });
});
