// A device's event list (GET …/events, newest first) kept live with the events WebSocket:
// `snmp.trap` and `snmp.device.status` messages become list items, merged without duplicates.
import type { DeviceStatusEvent, ServerEvent, SnmpEvent, TrapEvent, TrapVarbind } from '../types';
import { isStatusEvent } from './device-list';

export const EVENT_TYPES = ['snmp.trap', 'snmp.device.status'] as const;

/** JSON with sorted keys, so that equal data gives equal text whatever order it was written in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * One identity per event, stored or pushed. The pushed message carries the stored event's data
 * but not its id, so events are told apart by type and data (an `id` inside the data aside).
 */
export function eventKey(e: Pick<SnmpEvent, 'id' | 'type' | 'data'>): string {
  if (!e.data || typeof e.data !== 'object') return `id|${e.id}`;
  const { id: _id, ...rest } = e.data as Record<string, unknown>;
  return `${e.type}|${canonical(rest)}`;
}

export function isTrapEvent(v: unknown): v is TrapEvent {
  if (!v || typeof v !== 'object') return false;
  const t = v as Record<string, unknown>;
  return typeof t.at === 'string' && typeof t.trap_oid === 'string';
}

/** The list item a WebSocket message stands for, when it is an SNMP event of `tenant` (and of `device`, when given). */
export function liveEvent(tenant: string, ev: ServerEvent, device: string | null = null): SnmpEvent | null {
  if (ev.tenant !== undefined && ev.tenant !== tenant) return null;
  let item: SnmpEvent | null = null;
  if (ev.type === 'snmp.trap' && isTrapEvent(ev.data)) {
    const t = ev.data;
    const id = t.id ?? `live-${t.device ?? ''}-${t.at}-${t.trap_oid}`;
    item = { id, type: ev.type, device: t.device ?? null, at: t.at, data: t as unknown as Record<string, unknown> };
  } else if (ev.type === 'snmp.device.status' && isStatusEvent(ev.data)) {
    const s = ev.data;
    item = { id: `live-${s.device}-${s.at}`, type: ev.type, device: s.device, at: s.at, data: s as unknown as Record<string, unknown> };
  }
  if (!item || (device !== null && item.device !== device)) return null;
  return item;
}

/** `current` plus `incoming`, one per eventKey (a later copy wins), newest first. */
export function mergeEvents(current: readonly SnmpEvent[], incoming: readonly SnmpEvent[]): SnmpEvent[] {
  if (incoming.length === 0) return current as SnmpEvent[];
  const byKey = new Map<string, SnmpEvent>();
  for (const e of current) byKey.set(eventKey(e), e);
  for (const e of incoming) {
    const key = eventKey(e);
    const old = byKey.get(key);
    // A stored copy (server id) replaces a live one, never the other way round.
    if (old && !old.id.startsWith('live-') && e.id.startsWith('live-')) continue;
    byKey.set(key, e);
  }
  return [...byKey.values()].sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || b.id.localeCompare(a.id));
}

export interface EventView {
  kind: 'trap' | 'inform' | 'status' | 'other';
  /** The headline: the trap's name (or OID), or "down (was up)". */
  title: string;
  /** Secondary facts: version and source of a trap, the reason of a status change. */
  detail: string;
  varbinds: TrapVarbind[];
  /** For a status change, its new status (for the badge). */
  status?: DeviceStatusEvent['status'];
}

const REASONS: Record<string, string> = {
  timeout: 'no answer',
};

/** How an event reads in the list. */
export function describeEvent(e: SnmpEvent): EventView {
  if (e.type === 'snmp.trap' && isTrapEvent(e.data)) {
    const t = e.data;
    const detail = [t.version ? `SNMPv${t.version}` : '', t.user ? `user ${t.user}` : '', t.source ? `from ${t.source}` : '', t.trap_name ? t.trap_oid : '']
      .filter(Boolean)
      .join(' · ');
    return {
      kind: t.inform ? 'inform' : 'trap',
      title: t.trap_name || t.trap_oid,
      detail,
      varbinds: Array.isArray(t.varbinds) ? t.varbinds : [],
    };
  }
  if (e.type === 'snmp.device.status' && isStatusEvent(e.data)) {
    const s = e.data;
    const reason = s.reason ? (REASONS[s.reason] ? `${REASONS[s.reason]} (${s.reason})` : s.reason) : '';
    return {
      kind: 'status',
      title: s.previous ? `${s.status} (was ${s.previous})` : s.status,
      detail: reason ? `Reason: ${reason}` : '',
      varbinds: [],
      status: s.status,
    };
  }
  return { kind: 'other', title: e.type, detail: '', varbinds: [] };
}
