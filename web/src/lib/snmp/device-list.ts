// The Devices list's logic: filters (kept in the address, sent as the API's query), live status
// events folded into the rows, and how a device's state reads.
import type { Query } from '../api';
import type { Device, DeviceFilter, DeviceStatus, DeviceStatusEvent, ServerEvent } from '../types';

export const DEVICE_STATUSES: readonly DeviceStatus[] = ['up', 'down', 'unknown'];
export const EMPTY_DEVICE_FILTER: DeviceFilter = { name: '', status: '', tags: '' };
export const PAGE_SIZES: readonly number[] = [25, 50, 100, 200];
export const DEFAULT_PAGE_SIZE = 50;

export interface TagMatch {
  key: string;
  value: string;
}

/**
 * "site=north, rack:4" → [{site, north}, {rack, 4}]: matchers separated by commas, each
 * key=value (or key:value, as the API writes it; the first separator splits). `error` names
 * the first entry that is not a matcher.
 */
export function parseTagFilter(text: string): { tags: TagMatch[]; error: string | null } {
  const tags: TagMatch[] = [];
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (!entry) continue;
    const at = entry.search(/[=:]/);
    const key = at < 0 ? '' : entry.slice(0, at).trim();
    if (!key) return { tags, error: `“${entry}” is not key=value.` };
    tags.push({ key, value: entry.slice(at + 1).trim() });
  }
  return { tags, error: null };
}

export function normalizeDeviceFilter(f: DeviceFilter): DeviceFilter {
  const { tags } = parseTagFilter(f.tags);
  return {
    name: f.name.trim(),
    status: (DEVICE_STATUSES as readonly string[]).includes(f.status) ? f.status : '',
    tags: tags.map((t) => `${t.key}=${t.value}`).join(', '),
  };
}

export function sameDeviceFilter(a: DeviceFilter, b: DeviceFilter): boolean {
  return a.name === b.name && a.status === b.status && a.tags === b.tags;
}

export const isFiltered = (f: DeviceFilter) => Boolean(f.name || f.status || f.tags);

/** The list request's query: name substring, status, one `tag=key:value` per matcher, the page. */
export function deviceListQuery(f: DeviceFilter, cursor: string | null, limit: number): Query {
  return {
    name: f.name.trim(),
    status: f.status,
    tag: parseTagFilter(f.tags).tags.map((t) => `${t.key}:${t.value}`),
    limit,
    cursor,
  };
}

/** The filter a hash's query names (#/t/acme/devices?status=down&tags=site%3Dnorth). */
export function deviceFilterFromHash(hash: string): DeviceFilter {
  const q = hash.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : hash.slice(q + 1));
  return normalizeDeviceFilter({
    name: params.get('name') ?? '',
    status: (params.get('status') ?? '') as DeviceFilter['status'],
    tags: params.get('tags') ?? '',
  });
}

export function deviceFilterToHash(path: string, f: DeviceFilter): string {
  const n = normalizeDeviceFilter(f);
  const params = new URLSearchParams();
  if (n.name) params.set('name', n.name);
  if (n.status) params.set('status', n.status);
  if (n.tags) params.set('tags', n.tags);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Whether a device shows in a list filtered by `f` (as the server filters: name substring, case-insensitive). */
export function deviceMatches(d: Device, f: DeviceFilter): boolean {
  if (f.name && !d.name.toLowerCase().includes(f.name.toLowerCase())) return false;
  if (f.status && d.status !== f.status) return false;
  return parseTagFilter(f.tags).tags.every((t) => d.tags?.[t.key] === t.value);
}

export function isStatusEvent(v: unknown): v is DeviceStatusEvent {
  if (!v || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return typeof e.device === 'string' && typeof e.at === 'string' && (DEVICE_STATUSES as readonly unknown[]).includes(e.status);
}

/** The status change an events-WebSocket message carries for `tenant`, else null. */
export function statusEventFor(tenant: string, ev: ServerEvent): DeviceStatusEvent | null {
  if (ev.type !== 'snmp.device.status') return null;
  if (ev.tenant !== undefined && ev.tenant !== tenant) return null;
  return isStatusEvent(ev.data) ? ev.data : null;
}

/** `d` after a status change; unchanged (the same object) when the event is about another device or older. */
export function applyStatusEvent(d: Device, ev: DeviceStatusEvent): Device {
  if (d.id !== ev.device) return d;
  if (d.status_since && Date.parse(d.status_since) > Date.parse(ev.at)) return d;
  let lastError = d.last_error;
  if (ev.status === 'up') lastError = null;
  else if (ev.reason && ev.reason !== d.last_error?.code) lastError = { code: ev.reason, message: '' };
  return { ...d, status: ev.status, status_since: ev.at, last_error: lastError };
}

/** The rows after a status change (a new array only when a row changed). */
export function applyStatusToRows(rows: readonly Device[], ev: DeviceStatusEvent): Device[] {
  let changed = false;
  const next = rows.map((d) => {
    const n = applyStatusEvent(d, ev);
    if (n !== d) changed = true;
    return n;
  });
  return changed ? next : (rows as Device[]);
}

export type Tone = 'success' | 'danger' | '';

export function statusTone(status: DeviceStatus): Tone {
  return status === 'up' ? 'success' : status === 'down' ? 'danger' : '';
}

/** What the status badge says: a disabled device is not polled, whatever it last was. */
export function statusLabel(d: Pick<Device, 'status' | 'enabled'>): string {
  if (!d.enabled) return 'disabled';
  return d.status;
}

/** "4.2 ms", "12.5 ms", "124 ms", "—". */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function tagList(tags: Record<string, string> | null | undefined): string[] {
  return Object.keys(tags ?? {})
    .sort((a, b) => a.localeCompare(b))
    .map((k) => `${k}=${tags![k]}`);
}
