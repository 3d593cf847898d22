// The arithmetic of a line chart, kept out of the component so that it can be tested alone:
// value units and SI formatting, nice axis ticks for values and times, SVG paths with gaps
// for buckets without data, the series nearest the pointer, and legend names.
import type { RangeFn, SeriesInfo } from './timeseries';

export type UnitKind = 'bytes' | 'bits' | 'none';

export interface ValueUnit {
  kind: UnitKind;
  perSecond: boolean;
}

export const NO_UNIT: ValueUnit = { kind: 'none', perSecond: false };

/**
 * The unit a metric's values are in, read from its name (the API carries no units): octets and
 * bytes (`ifHCInOctets`, `mem_used_bytes`) are bytes, `…bits…` bits; `rate` makes it per second.
 */
export function unitFor(metric: string, fn?: RangeFn | null): ValueUnit {
  const name = metric.toLowerCase();
  const kind: UnitKind = /octets|bytes/.test(name) ? 'bytes' : /bits/.test(name) ? 'bits' : 'none';
  return { kind, perSecond: fn === 'rate' };
}

const PREFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** The power of 1000 to show `magnitude` in (0 = none, 1 = K, …). */
function prefixIndex(magnitude: number): number {
  const abs = Math.abs(magnitude);
  if (!Number.isFinite(abs) || abs < 1000) return 0;
  return Math.min(PREFIXES.length - 1, Math.floor(Math.log10(abs) / 3));
}

function suffix(prefix: string, unit: ValueUnit): string {
  const symbol = unit.kind === 'bytes' ? 'B' : unit.kind === 'bits' ? 'b' : '';
  const per = unit.perSecond ? '/s' : '';
  if (!symbol) return `${prefix}${per}`;
  return ` ${prefix}${symbol}${per}`;
}

/** "1.52K", "48.2 MB/s", "812 b", "0.25": a value with at most `digits` significant digits. */
export function formatValue(value: number | null | undefined, unit: ValueUnit = NO_UNIT, digits = 3): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  let p = prefixIndex(value);
  let rounded = Number((value / 1000 ** p).toPrecision(digits));
  // 999,960 rounds to "1000K": say 1M instead.
  if (Math.abs(rounded) >= 1000 && p < PREFIXES.length - 1) {
    p++;
    rounded = Number((value / 1000 ** p).toPrecision(digits));
  }
  return `${String(rounded)}${suffix(PREFIXES[p]!, unit)}`;
}

/**
 * Labels for a whole axis: one prefix for all ticks (from the largest) and as many decimals as
 * the tick spacing needs, so that neighbouring ticks never read the same.
 */
export function formatTicks(ticks: readonly number[], unit: ValueUnit = NO_UNIT): string[] {
  if (ticks.length === 0) return [];
  const scale = 1000 ** prefixIndex(Math.max(...ticks.map(Math.abs)));
  const prefix = PREFIXES[prefixIndex(scale)]!;
  const scaled = ticks.map((t) => t / scale);
  // The fewest decimals that write every tick exactly (0.25 needs two, 1.5 one).
  let decimals = 0;
  while (decimals < 10 && scaled.some((v) => Math.abs(Number(v.toFixed(decimals)) - v) > Math.abs(v) * 1e-9 + 1e-12)) decimals++;
  return scaled.map((v) => (v === 0 ? '0' : `${v.toFixed(decimals)}${suffix(prefix, unit)}`));
}

export interface Ticks {
  /** The axis bounds, widened to whole ticks. */
  min: number;
  max: number;
  ticks: number[];
}

/** Round ticks (1, 2, 2.5, 5 × 10ⁿ) covering [min, max], about `count` of them. */
export function valueTicks(min: number, max: number, count = 5): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1, ticks: [0, 1] };
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= min === 0 ? 0 : pad;
    max += pad;
  }
  const rough = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(rough));
  const norm = rough / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  const n = Math.round((hi - lo) / step);
  // Multiply instead of adding up, and round off float noise (0.1 + 0.2).
  for (let i = 0; i <= n; i++) ticks.push(Number((lo + i * step).toPrecision(12)));
  return { min: ticks[0]!, max: ticks[ticks.length - 1]!, ticks };
}

/** The value range to draw: the data's, from zero when the data sits well above it. */
export function valueDomain(series: readonly (readonly (number | null)[])[]): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const values of series)
    for (const v of values) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  if (min > max) return null;
  if (min >= 0 && min <= max / 2) min = 0;
  return { min, max };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const TIME_INTERVALS = [
  10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY,
];

const hm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const hms = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const md = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

/** "Nov 27, 2026, 14:05:00": the time in a tooltip. */
export const formatInstant = (ms: number) => full.format(new Date(ms));

export interface TimeTick {
  t: number;
  label: string;
}

function isLocalMidnight(ms: number): boolean {
  const d = new Date(ms);
  return d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0;
}

/**
 * Ticks for a time axis `width` px wide, at least ~90 px apart, on round local times (whole
 * minutes, hours, midnights). Times of day read "14:05"; a tick at midnight, or any tick of an
 * axis spanning days, reads "Nov 27".
 */
export function timeTicks(start: number, end: number, width: number, minGapPx = 90): TimeTick[] {
  if (!(end > start) || width <= 0) return [];
  const most = Math.max(1, Math.floor(width / minGapPx));
  const interval = TIME_INTERVALS.find((iv) => (end - start) / iv <= most) ?? Math.ceil((end - start) / most / DAY) * DAY;
  const ticks: number[] = [];
  if (interval < DAY) {
    // Round in local time: the offset to UTC only matters for hour steps that do not divide it.
    const offset = -new Date(start).getTimezoneOffset() * MINUTE;
    for (let t = Math.ceil((start + offset) / interval) * interval - offset; t <= end; t += interval) ticks.push(t);
  } else {
    const days = Math.round(interval / DAY);
    const d = new Date(start);
    d.setHours(0, 0, 0, 0);
    if (d.getTime() < start) d.setDate(d.getDate() + 1);
    // Whole days since the epoch keep the ticks put while the range slides.
    while (Math.floor(d.getTime() / DAY) % days !== 0) d.setDate(d.getDate() + 1);
    for (; d.getTime() <= end; d.setDate(d.getDate() + days)) ticks.push(d.getTime());
  }
  const fmt = interval < MINUTE ? hms : hm;
  return ticks.map((t) => ({ t, label: interval >= DAY || isLocalMidnight(t) ? md.format(new Date(t)) : fmt.format(new Date(t)) }));
}

/**
 * An SVG path through the points, broken where a value is missing. A point alone between gaps
 * becomes a zero-length segment, which the round line cap draws as a dot.
 */
export function linePath(xs: readonly number[], ys: readonly (number | null)[]): string {
  let d = '';
  let open = false;
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !Number.isFinite(y)) {
      open = false;
      continue;
    }
    const x = round1(xs[i]!);
    const yy = round1(y);
    if (!open) {
      const alone = i + 1 >= n || ys[i + 1] === null || ys[i + 1] === undefined || !Number.isFinite(ys[i + 1]!);
      d += `M${x},${yy}${alone ? 'h0' : ''}`;
      open = true;
    } else {
      d += `L${x},${yy}`;
    }
  }
  return d;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** Index of the timestamp nearest `t` (timestamps ascending), or -1 when there are none. */
export function nearestIndex(timestamps: readonly number[], t: number): number {
  if (timestamps.length === 0) return -1;
  let lo = 0;
  let hi = timestamps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timestamps[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && t - timestamps[lo - 1]! <= timestamps[lo]! - t) return lo - 1;
  return lo;
}

/** `epc-1 · ifName=eth0` from the parts of a series that tell it apart from the others. */
export function seriesNames(series: readonly SeriesInfo[], fallback = ''): string[] {
  const keys = new Set<string>();
  for (const s of series) for (const k of Object.keys(s.labels ?? {})) keys.add(k);
  const sortedKeys = [...keys].sort();
  const value = (s: SeriesInfo, k: string) => s.labels?.[k];
  const varies = (get: (s: SeriesInfo) => string | null | undefined) =>
    series.length <= 1 || series.some((s) => get(s) !== get(series[0]!));
  const showDevice = varies((s) => s.device);
  const shownKeys = sortedKeys.filter((k) => varies((s) => value(s, k)));
  const names = series.map((s) => {
    const parts: string[] = [];
    if (showDevice && s.device) parts.push(s.device);
    const labels = shownKeys.filter((k) => value(s, k) !== undefined).map((k) => `${k}=${value(s, k)}`);
    if (labels.length) parts.push(labels.join(', '));
    return parts.join(' · ') || fallback || s.metric;
  });
  // Series alike in every label (which the API should not send) still need names of their own.
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} #${n}`;
  });
}

/** "30s", "5m", "2h", "1d": a step as the chart's footnote shows it. */
export function formatStep(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  return `${ms / SECOND}s`;
}

/** Line colours, distinguishable on white and by most colour-blind readers (Okabe–Ito first). */
export const PALETTE = [
  '#0072b2', '#e69f00', '#009e73', '#cc79a7', '#d55e00', '#56b4e9', '#7a6a00',
  '#1d4ed8', '#b42318', '#6d28d9', '#0f766e', '#be185d', '#4d7c0f', '#9a3412',
];

export const colorFor = (index: number) => PALETTE[index % PALETTE.length]!;
