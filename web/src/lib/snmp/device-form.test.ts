import { describe, expect, it } from 'vitest';
import type { Device } from '../types';
import {
  changesConnection,
  checkConnection,
  checkDeviceForm,
  createBody,
  emptyForm,
  formFromDevice,
  hasErrors,
  patchBody,
  pollOverlapWarning,
  secretsRequired,
  worstCaseMs,
  type DeviceForm,
} from './device-form';

function device(over: Partial<Device> = {}): Device {
  return {
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
    sys_uptime_s: 86400,
    created_at: '2026-11-27T09:00:00.000Z',
    updated_at: '2026-11-27T09:00:00.000Z',
    ...over,
  };
}

const v3device = () =>
  device({
    snmp: {
      version: '3',
      user: 'monitor',
      auth_protocol: 'SHA-256',
      auth_password_set: true,
      priv_protocol: 'AES',
      priv_password_set: true,
      context: '',
    },
  });

function filled(over: Partial<DeviceForm> = {}): DeviceForm {
  return { ...emptyForm(), name: 'epc-north-1', address: '10.0.0.5', community: 's3cret', ...over };
}

describe('createBody', () => {
  it('maps a v2c form to the contract’s create body, with the defaults', () => {
    const f = filled({ tags: [{ key: 'site', value: ' north ' }, { key: '', value: '' }] });
    expect(createBody(f)).toEqual({
      name: 'epc-north-1',
      address: '10.0.0.5',
      port: 161,
      snmp: { version: '2c', community: 's3cret' },
      profile: 'epc-default',
      interval_s: 60,
      timeout_ms: 1500,
      retries: 2,
      max_repetitions: 25,
      tags: { site: 'north' },
      custom_oids: [],
      enabled: true,
    });
  });

  it('maps v3 with auth and priv, and leaves priv out without auth (noAuthNoPriv)', () => {
    const f = filled({ version: '3', community: 'ignored', user: ' monitor ', auth_protocol: 'SHA-512', auth_password: 'auth-pass', priv_protocol: 'AES-256', priv_password: 'priv-pass', context: 'ctx' });
    expect(createBody(f).snmp).toEqual({
      version: '3',
      user: 'monitor',
      auth_protocol: 'SHA-512',
      auth_password: 'auth-pass',
      priv_protocol: 'AES-256',
      priv_password: 'priv-pass',
      context: 'ctx',
    });
    const noAuth = createBody({ ...f, auth_protocol: 'none' }).snmp;
    expect(noAuth).toEqual({ version: '3', user: 'monitor', context: 'ctx' });
    const authOnly = createBody({ ...f, priv_protocol: 'none' }).snmp;
    expect(authOnly).toEqual({ version: '3', user: 'monitor', auth_protocol: 'SHA-512', auth_password: 'auth-pass', context: 'ctx' });
  });

  it('turns number inputs typed as text into numbers and custom OID rows into objects', () => {
    const f = filled({
      port: '1161',
      interval_s: '30',
      custom_oids: [
        { oid: '.1.3.6.1.4.1.32473.1.1.5.0', name: 'epc_custom', type: 'counter', unit: 'B', scale: '' },
        { oid: '', name: '', type: 'gauge', unit: '', scale: '1' },
      ],
    });
    const body = createBody(f);
    expect(body.port).toBe(1161);
    expect(body.interval_s).toBe(30);
    expect(body.custom_oids).toEqual([{ oid: '1.3.6.1.4.1.32473.1.1.5.0', name: 'epc_custom', type: 'counter', unit: 'B', scale: 1 }]);
  });
});

describe('formFromDevice and patchBody', () => {
  it('starts an edit with every setting and empty secrets', () => {
    const f = formFromDevice(v3device());
    expect(f).toMatchObject({ version: '3', user: 'monitor', auth_protocol: 'SHA-256', priv_protocol: 'AES', auth_password: '', priv_password: '' });
    expect(f.tags).toEqual([{ key: 'site', value: 'north' }]);
    expect(formFromDevice(device({ snmp: { version: '3', user: 'u', auth_protocol: 'none' } })).auth_protocol).toBe('none');
  });

  it('sends nothing when nothing changed', () => {
    expect(patchBody(formFromDevice(device()), device())).toEqual({});
    expect(patchBody(formFromDevice(v3device()), v3device())).toEqual({});
  });

  it('sends only the changed fields, and no snmp object when SNMP did not change', () => {
    const f = { ...formFromDevice(device()), interval_s: 120, tags: [{ key: 'site', value: 'south' }] };
    expect(patchBody(f, device())).toEqual({ interval_s: 120, tags: { site: 'south' } });
  });

  it('omits secrets left empty on edit (the stored ones are kept)', () => {
    const f = { ...formFromDevice(v3device()), user: 'monitor2' };
    const patch = patchBody(f, v3device());
    expect(patch).toEqual({ snmp: { version: '3', user: 'monitor2', auth_protocol: 'SHA-256', priv_protocol: 'AES', context: '' } });
    expect(JSON.stringify(patch)).not.toMatch(/password/);
  });

  it('sends a secret that was typed, and counts it as an SNMP change', () => {
    const f = { ...formFromDevice(device()), community: 'n3w-community' };
    expect(patchBody(f, device())).toEqual({ snmp: { version: '2c', community: 'n3w-community' } });
    const v3 = { ...formFromDevice(v3device()), priv_password: 'new-priv-pass' };
    expect(patchBody(v3, v3device()).snmp).toMatchObject({ priv_password: 'new-priv-pass' });
    expect(patchBody(v3, v3device()).snmp).not.toHaveProperty('auth_password');
  });

  it('says which changes need the form (not the stored device) for a connection test', () => {
    expect(changesConnection(patchBody({ ...formFromDevice(device()), interval_s: 90 }, device()))).toBe(false);
    expect(changesConnection(patchBody({ ...formFromDevice(device()), name: 'x' }, device()))).toBe(false);
    expect(changesConnection(patchBody({ ...formFromDevice(device()), port: 1161 }, device()))).toBe(true);
    expect(changesConnection(patchBody({ ...formFromDevice(device()), community: 'other-one' }, device()))).toBe(true);
  });
});

describe('secretsRequired', () => {
  it('asks for every secret on create, and none on an edit that keeps the version', () => {
    expect(secretsRequired(filled(), null)).toEqual({ community: true, auth: false, priv: false });
    expect(secretsRequired({ ...filled(), version: '3' }, null)).toEqual({ community: false, auth: true, priv: true });
    expect(secretsRequired(formFromDevice(device()), device())).toEqual({ community: false, auth: false, priv: false });
    expect(secretsRequired(formFromDevice(v3device()), v3device())).toEqual({ community: false, auth: false, priv: false });
  });
  it('asks again when the version changes, or a protocol is switched on', () => {
    expect(secretsRequired({ ...formFromDevice(device()), version: '1' }, device()).community).toBe(true);
    expect(secretsRequired({ ...formFromDevice(device()), version: '3' }, device())).toMatchObject({ auth: true, priv: true });
    const authOnly = device({ snmp: { version: '3', user: 'u', auth_protocol: 'SHA', auth_password_set: true, priv_protocol: 'none', priv_password_set: false } });
    expect(secretsRequired({ ...formFromDevice(authOnly), priv_protocol: 'AES' }, authOnly)).toEqual({ community: false, auth: false, priv: true });
  });
});

describe('checkDeviceForm', () => {
  it('accepts a complete form', () => {
    expect(checkDeviceForm(filled())).toEqual({});
    expect(hasErrors(checkDeviceForm(filled()))).toBe(false);
  });

  it('checks the address is an IP literal and the port is 1-65535', () => {
    expect(checkDeviceForm(filled({ address: 'epc.example.com' })).address).toMatch(/IPv4 or IPv6/);
    expect(checkDeviceForm(filled({ address: '10.0.0.256' })).address).toBeTruthy();
    expect(checkDeviceForm(filled({ address: '2001:db8::5' })).address).toBeUndefined();
    expect(checkDeviceForm(filled({ port: 0 })).port).toMatch(/1 to 65535/);
    expect(checkDeviceForm(filled({ port: 65536 })).port).toMatch(/1 to 65535/);
    expect(checkDeviceForm(filled({ port: null })).port).toMatch(/Enter a port/);
    expect(checkDeviceForm(filled({ port: 65535 })).port).toBeUndefined();
  });

  it('checks the limits of interval, timeout, retries and max-repetitions', () => {
    const e = checkDeviceForm(filled({ interval_s: 5, timeout_ms: 60_001, retries: 11, max_repetitions: 0 }));
    expect(e.interval_s).toMatch(/10 to 86400/);
    expect(e.timeout_ms).toMatch(/100 to 60000/);
    expect(e.retries).toMatch(/0 to 10/);
    expect(e.max_repetitions).toMatch(/1 to 200/);
  });

  it('asks for passwords of at least 8 characters, and the community on create', () => {
    expect(checkDeviceForm(filled({ community: '' })).community).toMatch(/Enter the community/);
    const v3 = filled({ version: '3', user: 'monitor', auth_password: 'short', priv_password: '' });
    const e = checkDeviceForm(v3);
    expect(e.auth_password).toMatch(/at least 8 characters \(5 so far\)/);
    expect(e.priv_password).toMatch(/Enter the privacy password/);
    expect(checkDeviceForm({ ...v3, user: '' }).user).toMatch(/user name/);
    expect(checkDeviceForm({ ...v3, auth_password: 'x'.repeat(8), priv_password: 'y'.repeat(8) })).toEqual({});
    // No authentication: no passwords to check.
    expect(checkDeviceForm({ ...v3, auth_protocol: 'none' })).toEqual({});
  });

  it('lets an edit keep its stored secrets, but still checks typed ones', () => {
    expect(checkDeviceForm(formFromDevice(v3device()), v3device())).toEqual({});
    expect(checkDeviceForm({ ...formFromDevice(v3device()), auth_password: 'short' }, v3device()).auth_password).toMatch(/at least 8/);
    expect(checkDeviceForm({ ...formFromDevice(device()), version: '1' }, device()).community).toMatch(/Enter the community/);
  });

  it('checks tags and custom OIDs row by row', () => {
    const e = checkDeviceForm(
      filled({
        tags: [
          { key: 'site', value: 'north' },
          { key: 'site', value: 'south' },
          { key: '9rack', value: '1' },
          { key: 'device', value: 'x' },
          { key: '', value: 'orphan' },
        ],
        custom_oids: [
          { oid: 'ifInOctets', name: 'x', type: 'gauge', unit: '', scale: '1' },
          { oid: '1.3.6.1.2.1.1.3.0', name: 'bad-name', type: 'gauge', unit: '', scale: '1' },
          { oid: '1.3.6.1.2.1.1.3.0', name: 'uptime', type: 'gauge', unit: '', scale: '0' },
        ],
      }),
    );
    expect(e['tags.0']).toBeUndefined();
    expect(e['tags.1']).toMatch(/used twice/);
    expect(e['tags.2']).toMatch(/label names/);
    expect(e['tags.3']).toMatch(/reserved/);
    expect(e['tags.4']).toMatch(/Enter a key/);
    expect(e['oids.0']).toMatch(/numeric OID/);
    expect(e['oids.1']).toMatch(/letters, digits and _/);
    expect(e['oids.2']).toMatch(/non-zero/);
  });

  it('checks only the connection fields for a test (no name needed)', () => {
    expect(checkConnection(filled({ name: '' }))).toEqual({});
    expect(Object.keys(checkConnection(filled({ name: '', address: 'x', community: '' })))).toEqual(['address', 'community']);
  });
});

describe('timing', () => {
  it('computes the worst-case wait and warns when a silent device outlasts the interval', () => {
    expect(worstCaseMs({ timeout_ms: 1500, retries: 2 })).toBe(4500);
    expect(worstCaseMs({ timeout_ms: null, retries: 2 })).toBeNull();
    expect(pollOverlapWarning(filled())).toBeNull();
    expect(pollOverlapWarning(filled({ interval_s: 10, timeout_ms: 5000, retries: 2 }))).toMatch(/15 s .* 10 s interval/);
  });
});
