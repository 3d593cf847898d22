import { describe, expect, it } from 'vitest';
import { withQuery } from '../api';
import type { Device, DeviceStatusEvent } from '../types';
import {
  applyStatusEvent,
  applyStatusToRows,
  deviceFilterFromHash,
  deviceFilterToHash,
  deviceListQuery,
  deviceMatches,
  formatLatency,
  normalizeDeviceFilter,
  parseTagFilter,
  statusEventFor,
  statusLabel,
  tagList,
} from './device-list';

const base = {
  id: 'd-1',
  name: 'epc-north-1',
  address: '10.0.0.5',
  port: 161,
  snmp: { version: '2c' as const, community_set: true },
  profile: 'epc-default',
  interval_s: 60,
  timeout_ms: 1500,
  retries: 2,
  max_repetitions: 25,
  tags: { site: 'north', rack: '4' },
  custom_oids: [],
  enabled: true,
  status: 'up' as const,
  status_since: '2026-11-27T10:00:00.000Z',
  last_poll_at: null,
  last_latency_ms: 4.2,
  last_error: null,
  sys_uptime_s: 10,
  created_at: '',
  updated_at: '',
} satisfies Device;

describe('filters', () => {
  it('parses tag matchers written key=value or key:value', () => {
    expect(parseTagFilter('site=north, rack:4 ,, ')).toEqual({
      tags: [
        { key: 'site', value: 'north' },
        { key: 'rack', value: '4' },
      ],
      error: null,
    });
    expect(parseTagFilter('url=http://x:8080')).toEqual({ tags: [{ key: 'url', value: 'http://x:8080' }], error: null });
    expect(parseTagFilter('site').error).toMatch(/“site” is not key=value/);
    expect(parseTagFilter('=north').error).toBeTruthy();
  });

  it('turns a filter into the list query: name, status, one tag=key:value per matcher, the page', () => {
    const f = { name: ' epc ', status: 'down' as const, tags: 'site=north, rack=4' };
    expect(withQuery('/devices', deviceListQuery(f, 'c-2', 50))).toBe(
      '/devices?name=epc&status=down&tag=site%3Anorth&tag=rack%3A4&limit=50&cursor=c-2',
    );
    expect(withQuery('/devices', deviceListQuery({ name: '', status: '', tags: '' }, null, 25))).toBe('/devices?limit=25');
  });

  it('keeps the filter in the address and reads it back', () => {
    const f = { name: 'epc', status: 'up' as const, tags: 'site:north' };
    const hash = deviceFilterToHash('#/t/acme/devices', f);
    expect(hash).toBe('#/t/acme/devices?name=epc&status=up&tags=site%3Dnorth');
    expect(deviceFilterFromHash(hash)).toEqual({ name: 'epc', status: 'up', tags: 'site=north' });
    expect(deviceFilterToHash('#/t/acme/devices', { name: ' ', status: '', tags: '' })).toBe('#/t/acme/devices');
    expect(deviceFilterFromHash('#/t/acme/devices?status=sideways').status).toBe('');
    expect(normalizeDeviceFilter({ name: ' a ', status: '', tags: ' x = 1 ' })).toEqual({ name: 'a', status: '', tags: 'x=1' });
  });

  it('matches devices as the server does', () => {
    expect(deviceMatches(base, { name: 'NORTH', status: '', tags: '' })).toBe(true);
    expect(deviceMatches(base, { name: '', status: 'down', tags: '' })).toBe(false);
    expect(deviceMatches(base, { name: '', status: '', tags: 'site=north, rack=4' })).toBe(true);
    expect(deviceMatches(base, { name: '', status: '', tags: 'site=south' })).toBe(false);
  });
});

describe('live status', () => {
  const down: DeviceStatusEvent = { device: 'd-1', name: 'epc-north-1', status: 'down', previous: 'up', at: '2026-11-27T11:00:00.000Z', reason: 'timeout' };

  it('reads snmp.device.status messages of this tenant only', () => {
    expect(statusEventFor('acme', { type: 'snmp.device.status', tenant: 'acme', data: down })).toEqual(down);
    expect(statusEventFor('acme', { type: 'snmp.device.status', tenant: 'other', data: down })).toBeNull();
    expect(statusEventFor('acme', { type: 'snmp.trap', tenant: 'acme', data: down })).toBeNull();
    expect(statusEventFor('acme', { type: 'snmp.device.status', tenant: 'acme', data: { device: 'd-1' } })).toBeNull();
  });

  it('updates the row of the device, with its status, since and reason', () => {
    const next = applyStatusEvent(base, down);
    expect(next).toMatchObject({ status: 'down', status_since: down.at, last_error: { code: 'timeout' } });
    expect(applyStatusEvent(next, { ...down, status: 'up', previous: 'down', at: '2026-11-27T11:05:00.000Z', reason: null })).toMatchObject({
      status: 'up',
      last_error: null,
    });
    // Another device's event, or an older one, changes nothing.
    expect(applyStatusEvent(base, { ...down, device: 'd-2' })).toBe(base);
    expect(applyStatusEvent(base, { ...down, at: '2026-11-27T09:00:00.000Z' })).toBe(base);
  });

  it('replaces the rows only when one changed', () => {
    const rows = [base, { ...base, id: 'd-2' }];
    expect(applyStatusToRows(rows, { ...down, device: 'd-9' })).toBe(rows);
    const next = applyStatusToRows(rows, down);
    expect(next).not.toBe(rows);
    expect(next[0]!.status).toBe('down');
    expect(next[1]).toBe(rows[1]);
  });
});

describe('how a device reads', () => {
  it('formats status, latency and tags', () => {
    expect(statusLabel(base)).toBe('up');
    expect(statusLabel({ ...base, enabled: false })).toBe('disabled');
    expect(formatLatency(4.23)).toBe('4.2 ms');
    expect(formatLatency(123.6)).toBe('124 ms');
    expect(formatLatency(null)).toBe('—');
    expect(tagList(base.tags)).toEqual(['rack=4', 'site=north']);
  });
});
