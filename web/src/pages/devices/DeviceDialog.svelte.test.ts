// @vitest-environment jsdom
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Device } from '../../lib/types';
import DeviceDialog from './DeviceDialog.svelte';
import { jsonResponse, settle, stubDialogs } from '../../testing';

const V3: Device = {
  id: 'd-1',
  name: 'epc-north-1',
  address: '10.0.0.5',
  port: 161,
  snmp: { version: '3', user: 'monitor', auth_protocol: 'SHA-256', auth_password_set: true, priv_protocol: 'AES', priv_password_set: true, context: '' },
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
  last_poll_at: null,
  last_latency_ms: null,
  last_error: null,
  sys_uptime_s: null,
  created_at: '',
  updated_at: '',
};

describe('DeviceDialog', () => {
  const fetchMock = vi.fn<typeof fetch>();
  let target: HTMLElement;
  let component: ReturnType<typeof mount> | null = null;
  const saved = vi.fn();
  const closed = vi.fn();
  const requests = () =>
    fetchMock.mock.calls
      .filter((c) => (c[1]?.method ?? 'GET') !== 'GET')
      .map((c) => ({ method: c[1]!.method, path: String(c[0]), body: c[1]!.body ? JSON.parse(String(c[1]!.body)) : undefined }));

  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock);
    stubDialogs();
    fetchMock.mockImplementation(async (input, init) => {
      const url = new URL(String(input), 'https://x');
      if (url.pathname.endsWith('/profiles')) return jsonResponse({ items: [{ name: 'if-mib' }, { name: 'epc-default' }] });
      if (url.pathname.endsWith('/test')) return jsonResponse({ ok: false, error: { code: 'wrong_digest', message: 'authentication failure' }, elapsed_ms: 12 });
      if (init?.method === 'POST') return jsonResponse({ ...V3, ...JSON.parse(String(init.body)), id: 'd-new' }, 201);
      if (init?.method === 'PATCH') return jsonResponse(V3);
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
    saved.mockReset();
    closed.mockReset();
    vi.unstubAllGlobals();
  });

  const el = <T extends Element = HTMLInputElement>(sel: string) => {
    const found = document.querySelector<T>(sel);
    if (!found) throw new Error(`no ${sel}`);
    return found;
  };
  function type(sel: string, value: string) {
    const input = el<HTMLInputElement>(sel);
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
  }
  function choose(sel: string, value: string) {
    const select = el<HTMLSelectElement>(sel);
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    flushSync();
  }
  async function submit() {
    el<HTMLFormElement>('#device-form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
  }
  const open = (device: Device | null) =>
    (component = mount(DeviceDialog, { target, props: { open: true, tenant: 'acme', device, onclose: closed, onsaved: saved } }));

  it('adds a v3 device: the body carries what was typed, profiles come from the API', async () => {
    open(null);
    await settle();
    expect([...document.querySelectorAll('#device-profile option')].map((o) => o.textContent)).toEqual(['epc-default', 'if-mib']);
    type('#device-name', 'epc-north-1');
    type('#device-address', '10.0.0.5');
    choose('#device-version', '3');
    expect(document.querySelector('#device-community')).toBeNull();
    type('#device-user', 'monitor');
    choose('#device-auth-protocol', 'SHA-512');
    type('#device-auth-password', 'auth-pass-1');
    choose('#device-priv-protocol', 'AES-256');
    type('#device-priv-password', 'priv-pass-1');
    choose('#device-profile', 'if-mib');
    el<HTMLButtonElement>('[data-testid="device-tags"] button').click();
    flushSync();
    type('[aria-label="Tag 1 key"]', 'site');
    type('[aria-label="Tag 1 value"]', 'north');
    await submit();

    expect(requests()).toEqual([
      {
        method: 'POST',
        path: '/api/v1/tenants/acme/devices',
        body: {
          name: 'epc-north-1',
          address: '10.0.0.5',
          port: 161,
          snmp: { version: '3', user: 'monitor', auth_protocol: 'SHA-512', auth_password: 'auth-pass-1', priv_protocol: 'AES-256', priv_password: 'priv-pass-1', context: '' },
          profile: 'if-mib',
          interval_s: 60,
          timeout_ms: 1500,
          retries: 2,
          max_repetitions: 25,
          tags: { site: 'north' },
          custom_oids: [],
          enabled: true,
        },
      },
    ]);
    expect(saved).toHaveBeenCalledWith(expect.objectContaining({ id: 'd-new' }), true);
    expect(closed).toHaveBeenCalled();
  });

  it('shows what is wrong and sends nothing', async () => {
    open(null);
    await settle();
    type('#device-name', 'x');
    type('#device-address', 'epc.example.com');
    type('#device-port', '70000');
    choose('#device-version', '3');
    type('#device-user', 'monitor');
    type('#device-auth-password', 'short');
    await submit();
    expect(requests()).toEqual([]);
    expect(el('#device-address-error').textContent).toMatch(/IPv4 or IPv6/);
    expect(el('#device-port-error').textContent).toMatch(/1 to 65535/);
    expect(el('#device-auth-password-error').textContent).toMatch(/at least 8 characters/);
    expect(el('#device-priv-password-error').textContent).toMatch(/Enter the privacy password/);
  });

  it('edits with the secrets shown as unchanged and left out of the patch', async () => {
    open(V3);
    await settle();
    expect(el('#device-auth-password').value).toBe('');
    expect(el('#device-auth-password').placeholder).toBe('unchanged');
    expect(el('#device-priv-password').placeholder).toBe('unchanged');
    type('#device-user', 'monitor2');
    type('#device-interval', '30');
    await submit();
    expect(requests()).toEqual([
      {
        method: 'PATCH',
        path: '/api/v1/tenants/acme/devices/d-1',
        body: { interval_s: 30, snmp: { version: '3', user: 'monitor2', auth_protocol: 'SHA-256', priv_protocol: 'AES', context: '' } },
      },
    ]);
    expect(saved).toHaveBeenCalledWith(V3, false);
  });

  it('tests the saved device while its settings are unchanged, and explains the error code', async () => {
    open(V3);
    await settle();
    el<HTMLButtonElement>('[data-testid="test-connection"]').click();
    await settle();
    expect(requests()).toEqual([{ method: 'POST', path: '/api/v1/tenants/acme/devices/d-1/test', body: undefined }]);
    const answer = el('[data-testid="test-error"]');
    expect(answer.getAttribute('data-code')).toBe('wrong_digest');
    expect(answer.textContent).toMatch(/wrong auth password or protocol/i);
    expect(answer.textContent).toMatch(/authentication failure/);
  });

  it('tests changed settings as typed, once the stored secrets are typed again', async () => {
    open(V3);
    await settle();
    type('#device-address', '10.0.0.6');
    el<HTMLButtonElement>('[data-testid="test-connection"]').click();
    await settle();
    expect(requests()).toEqual([]);
    expect(el('#device-auth-password-error').textContent).toMatch(/test the changed settings/);
    type('#device-auth-password', 'auth-pass-1');
    type('#device-priv-password', 'priv-pass-1');
    el<HTMLButtonElement>('[data-testid="test-connection"]').click();
    await settle();
    const [req] = requests();
    expect(req).toMatchObject({ method: 'POST', path: '/api/v1/tenants/acme/devices/test' });
    expect(req!.body).toMatchObject({ address: '10.0.0.6', snmp: { auth_password: 'auth-pass-1', priv_password: 'priv-pass-1' } });
  });
});
