// SNMP devices of a tenant (docs/snmp.md): list, create, read, change, delete, enable/disable,
// connection tests, statistics, poll profiles and the event log. CSV import goes through
// ../upload.ts (a raw text/csv body) to importDevicesPath().
import { api } from '../api';
import { deviceListQuery } from '../snmp/device-list';
import type {
  ConnectionTestResult,
  Device,
  DeviceFilter,
  DevicePatch,
  DeviceStats,
  NewDevice,
  Page,
  PollProfile,
  SnmpEvent,
} from '../types';

const enc = encodeURIComponent;

const tenantPath = (tenant: string) => `/api/v1/tenants/${enc(tenant)}`;
export const devicesPath = (tenant: string) => `${tenantPath(tenant)}/devices`;
export const devicePath = (tenant: string, id: string) => `${devicesPath(tenant)}/${enc(id)}`;
export const importDevicesPath = (tenant: string) => `${devicesPath(tenant)}/import`;

export const listDevices = (tenant: string, filter: DeviceFilter, cursor: string | null, limit: number, signal?: AbortSignal) =>
  api.get<Page<Device>>(devicesPath(tenant), { query: deviceListQuery(filter, cursor, limit), signal });

export const getDevice = (tenant: string, id: string, signal?: AbortSignal) => api.get<Device>(devicePath(tenant, id), { signal });

export const createDevice = (tenant: string, body: NewDevice) => api.post<Device>(devicesPath(tenant), body);

export const updateDevice = (tenant: string, id: string, patch: DevicePatch) => api.patch<Device>(devicePath(tenant, id), patch);

export const deleteDevice = (tenant: string, id: string) => api.del(devicePath(tenant, id));

/** Starts (true) or stops (false) polling `d`; resolves to the device as it is now. */
export async function setDeviceEnabled(tenant: string, d: Device, enabled: boolean): Promise<Device> {
  const answer = await api.post<Device | undefined>(`${devicePath(tenant, d.id)}/${enabled ? 'enable' : 'disable'}`);
  // The contract does not say what these routes answer: the device when they send it.
  return answer && typeof answer === 'object' && answer.id === d.id ? answer : { ...d, enabled };
}

/** Tests settings that are not saved (the body of a create). */
export const testDeviceSettings = (tenant: string, body: NewDevice, signal?: AbortSignal) =>
  api.post<ConnectionTestResult>(`${devicesPath(tenant)}/test`, body, { signal });

/** Tests a saved device with its stored settings (secrets included). */
export const testSavedDevice = (tenant: string, id: string, signal?: AbortSignal) =>
  api.post<ConnectionTestResult>(`${devicePath(tenant, id)}/test`, undefined, { signal });

/** Statistics over [from, to] (RFC 3339 times). */
export const getDeviceStats = (tenant: string, id: string, from: Date, to: Date, signal?: AbortSignal) =>
  api.get<DeviceStats>(`${devicePath(tenant, id)}/stats`, {
    query: { from: from.toISOString(), to: to.toISOString() },
    signal,
  });

/** The tenant's poll profiles; the answer is read as {items} or a bare array. */
export async function listProfiles(tenant: string, signal?: AbortSignal): Promise<PollProfile[]> {
  const answer = await api.get<{ items?: PollProfile[] } | PollProfile[]>(`${tenantPath(tenant)}/profiles`, { signal });
  const items = Array.isArray(answer) ? answer : (answer?.items ?? []);
  return items.filter((p) => p && typeof p.name === 'string').sort((a, b) => a.name.localeCompare(b.name));
}

export interface EventQuery {
  device?: string | null;
  type?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export const listEvents = (tenant: string, q: EventQuery, cursor: string | null, limit = 50, signal?: AbortSignal) =>
  api.get<Page<SnmpEvent>>(`${tenantPath(tenant)}/events`, {
    query: {
      device: q.device,
      type: q.type,
      from: q.from?.toISOString(),
      to: q.to?.toISOString(),
      limit,
      cursor,
    },
    signal,
  });
