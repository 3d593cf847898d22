// A chart's time range: "the last 6 hours" (moves with the clock) or a fixed span. Relative
// ranges resolve against now each time a chart loads, so auto-refresh slides them along.
import type { Span } from './timeseries';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export type TimeRange = { kind: 'last'; ms: number } | { kind: 'between'; start: number; end: number };

export interface RangePreset {
  id: string;
  label: string;
  short: string;
  ms: number;
}

export const RANGE_PRESETS: readonly RangePreset[] = [
  { id: '1h', label: 'Last 1 hour', short: '1h', ms: HOUR },
  { id: '6h', label: 'Last 6 hours', short: '6h', ms: 6 * HOUR },
  { id: '24h', label: 'Last 24 hours', short: '24h', ms: DAY },
  { id: '7d', label: 'Last 7 days', short: '7d', ms: 7 * DAY },
  { id: '30d', label: 'Last 30 days', short: '30d', ms: 30 * DAY },
];

export const DEFAULT_RANGE: TimeRange = { kind: 'last', ms: HOUR };

export function resolveRange(range: TimeRange, now: number = Date.now()): Span {
  if (range.kind === 'last') return { start: now - range.ms, end: now };
  return { start: range.start, end: range.end };
}

export function rangeMs(range: TimeRange): number {
  return range.kind === 'last' ? range.ms : Math.max(0, range.end - range.start);
}

export function presetOf(range: TimeRange): RangePreset | null {
  if (range.kind !== 'last') return null;
  return RANGE_PRESETS.find((p) => p.ms === range.ms) ?? null;
}

export function sameRange(a: TimeRange, b: TimeRange): boolean {
  if (a.kind === 'last' && b.kind === 'last') return a.ms === b.ms;
  if (a.kind === 'between' && b.kind === 'between') return a.start === b.start && a.end === b.end;
  return false;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-27T14:05" in local time, for <input type="datetime-local">. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The instant a datetime-local value names in local time, or null when it is not one. */
export function fromLocalInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, s || 0);
  if (date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return date.getTime();
}

/** Checks a custom span; null when it is fine, else what is wrong with it. */
export function customRangeError(start: number | null, end: number | null, now: number = Date.now()): string | null {
  if (start === null) return 'Enter when the range starts.';
  if (end === null) return 'Enter when the range ends.';
  if (end <= start) return 'The end must come after the start.';
  if (start > now) return 'The range starts in the future: there is no data yet.';
  if (end - start < 60_000) return 'Pick at least one minute.';
  return null;
}

/** "1h" or "1700000000000-1700003600000": a range in an address. */
export function encodeRange(range: TimeRange): string {
  const preset = presetOf(range);
  if (preset) return preset.id;
  if (range.kind === 'last') return `last-${range.ms}`;
  return `${range.start}-${range.end}`;
}

export function decodeRange(text: string | null | undefined): TimeRange | null {
  if (!text) return null;
  const preset = RANGE_PRESETS.find((p) => p.id === text);
  if (preset) return { kind: 'last', ms: preset.ms };
  const last = /^last-(\d+)$/.exec(text);
  if (last) {
    const ms = Number(last[1]);
    return ms > 0 ? { kind: 'last', ms } : null;
  }
  const between = /^(\d+)-(\d+)$/.exec(text);
  if (between) {
    const start = Number(between[1]);
    const end = Number(between[2]);
    return end > start ? { kind: 'between', start, end } : null;
  }
  return null;
}

const spanFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "Last 6 hours", "Last 90 minutes", "Nov 27, 14:00 – Nov 27, 15:00". */
export function rangeLabel(range: TimeRange): string {
  const preset = presetOf(range);
  if (preset) return preset.label;
  if (range.kind === 'last') {
    const minutes = Math.round(range.ms / 60_000);
    if (minutes % (24 * 60) === 0) return `Last ${minutes / (24 * 60)} days`;
    if (minutes % 60 === 0) return `Last ${minutes / 60} hours`;
    return `Last ${minutes} minutes`;
  }
  return `${spanFormat.format(new Date(range.start))} – ${spanFormat.format(new Date(range.end))}`;
}
