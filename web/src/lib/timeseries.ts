// The time-series API (docs/timeseries.md): metric names, series discovery, range queries,
// latest values, and the step a chart should ask for. Answers carry times in Unix milliseconds;
// requests send times in Unix seconds and steps as durations ("60s"), as the contract asks.
import { api } from './api';
import { fetchAll } from './paging';
import type { Page } from './types';

/** Per series, per bucket (`fn` of query_range). */
export const RANGE_FNS = ['avg', 'min', 'max', 'sum', 'count', 'last', 'rate', 'increase', 'p50', 'p95', 'p99'] as const;
export type RangeFn = (typeof RANGE_FNS)[number];

/** Across series, per group of `by` labels (`agg` of query_range). */
export const AGG_FNS = ['sum', 'avg', 'min', 'max', 'count'] as const;
export type AggFn = (typeof AGG_FNS)[number];

export type Labels = Record<string, string>;

/** One series as /series names it. `device` is empty for data written without a device tag. */
export interface SeriesInfo {
  metric: string;
  device?: string | null;
  labels: Labels;
}

/** What to draw: the series to select and how to reduce them. */
export interface SeriesQuery {
  metric: string;
  device?: string | null;
  /** Label matchers: `{ifName: 'eth0'}` (equality) or the API's own text (`ifName=~eth.*,ifType!=6`). */
  labels?: Labels | string | null;
  fn?: RangeFn | null;
  agg?: AggFn | null;
  /** Label names to group by when `agg` is set (`device` allowed); empty means one group. */
  by?: string[] | null;
}

export interface RangeSeries extends SeriesInfo {
  /** One per timestamp of the answer; null is a bucket without data. */
  values: (number | null)[];
}

export interface RangeAnswer {
  start: number;
  end: number;
  step: number;
  /** Which store tier answered: raw, 5m or 1h rollups. */
  tier: string;
  timestamps: number[];
  series: RangeSeries[];
}

export interface LatestSample extends SeriesInfo {
  timestamp: number;
  /** null when the sample is not a finite number (NaN, ±Inf). */
  value: number | null;
}

export interface LatestAnswer {
  at: number;
  series: LatestSample[];
}

/** A span of time in Unix milliseconds. */
export interface Span {
  start: number;
  end: number;
}

const base = (tenant: string) => `/api/v1/tenants/${encodeURIComponent(tenant)}`;

/** `ifName=eth0,device=epc-1`: equality matchers from a label set (text passes through). */
export function labelMatchers(labels: Labels | string | null | undefined): string {
  if (!labels) return '';
  if (typeof labels === 'string') return labels.trim();
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${labels[name]}`)
    .join(',');
}

/** Unix seconds for the API (milliseconds kept as a fraction). */
export const toApiTime = (ms: number) => ms / 1000;

/** "60s", "1.5s": a step for the API. */
export const toApiDuration = (ms: number) => `${ms / 1000}s`;

/** One metric of a tenant as /metrics names it, with how many series it has. */
export interface MetricInfo {
  name: string;
  series: number;
}

/** Every metric name of the tenant with its series count, sorted by name. */
export const listMetrics = (tenant: string, signal?: AbortSignal): Promise<MetricInfo[]> =>
  api.get<{ items: MetricInfo[] }>(`${base(tenant)}/metrics`, { signal }).then((answer) => answer.items);

export interface SeriesFilter {
  metric?: string | null;
  device?: string | null;
  labels?: Labels | string | null;
}

export const listSeries = (
  tenant: string,
  filter: SeriesFilter,
  cursor: string | null = null,
  limit = 500,
  signal?: AbortSignal,
) =>
  api.get<Page<SeriesInfo>>(`${base(tenant)}/series`, {
    query: { metric: filter.metric, device: filter.device, labels: labelMatchers(filter.labels), cursor, limit },
    signal,
  });

/** Every series matching `filter`, up to maxPages × 500 of them; `complete` says whether that was all. */
export async function discoverSeries(
  tenant: string,
  filter: SeriesFilter,
  maxPages = 20,
  signal?: AbortSignal,
): Promise<{ series: SeriesInfo[]; complete: boolean }> {
  let complete = true;
  let pages = 0;
  const series = await fetchAll<SeriesInfo>(async (cursor) => {
    const page = await listSeries(tenant, filter, cursor, 500, signal);
    pages++;
    if (pages === maxPages && page.next_cursor) complete = false;
    return page;
  }, maxPages);
  return { series, complete };
}

/** What a set of series holds: metric names, devices, label names (each sorted, distinct). */
export function summarizeSeries(series: readonly SeriesInfo[]): { metrics: string[]; devices: string[]; labelNames: string[] } {
  const metrics = new Set<string>();
  const devices = new Set<string>();
  const labelNames = new Set<string>();
  for (const s of series) {
    metrics.add(s.metric);
    if (s.device) devices.add(s.device);
    for (const name of Object.keys(s.labels ?? {})) labelNames.add(name);
  }
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.localeCompare(b));
  return { metrics: sorted(metrics), devices: sorted(devices), labelNames: sorted(labelNames) };
}

export const queryRange = (tenant: string, query: SeriesQuery, span: Span, stepMs: number, signal?: AbortSignal) =>
  api.get<RangeAnswer>(`${base(tenant)}/query_range`, {
    query: {
      metric: query.metric,
      device: query.device,
      labels: labelMatchers(query.labels),
      start: toApiTime(span.start),
      end: toApiTime(span.end),
      step: toApiDuration(stepMs),
      fn: query.fn,
      agg: query.agg,
      by: query.agg ? (query.by ?? []).join(',') : null,
    },
    signal,
  });

export interface LatestQuery extends SeriesFilter {
  metric: string;
  /** Unix ms; default now. */
  at?: number | null;
  /** Oldest sample to accept, in ms before `at`; default the server's (15m). */
  lookbackMs?: number | null;
}

export const queryLatest = (tenant: string, q: LatestQuery, signal?: AbortSignal) =>
  api.get<LatestAnswer>(`${base(tenant)}/query`, {
    query: {
      metric: q.metric,
      device: q.device,
      labels: labelMatchers(q.labels),
      at: q.at == null ? null : toApiTime(q.at),
      lookback: q.lookbackMs == null ? null : toApiDuration(q.lookbackMs),
    },
    signal,
  });

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Steps a chart asks for: round numbers a person reads on an axis, that also divide the rollup tiers. */
export const NICE_STEPS: readonly number[] = [
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
];

/** How often the poller samples unless told otherwise. */
export const DEFAULT_SCRAPE_MS = MINUTE;

/** The API refuses more points per series than this. */
export const MAX_POINTS = 11_000;

/**
 * The step (ms) to ask for so that `rangeMs` drawn `pixelWidth` pixels wide has about one point
 * per 2 px, rounded up to a nice step, and never finer than the data's scrape interval (finer
 * buckets would be mostly empty, drawn as gaps). Beyond a day, whole days.
 */
export function stepFor(rangeMs: number, pixelWidth: number, scrapeMs: number = DEFAULT_SCRAPE_MS): number {
  const points = Math.max(1, Math.floor(pixelWidth / 2));
  const range = Number.isFinite(rangeMs) && rangeMs > 0 ? rangeMs : 0;
  const floor = Number.isFinite(scrapeMs) && scrapeMs > 0 ? scrapeMs : 0;
  const wanted = Math.max(range / points, range / MAX_POINTS, floor);
  for (const step of NICE_STEPS) if (step >= wanted) return step;
  return Math.ceil(wanted / DAY) * DAY;
}

/** `sum by (site) (rate(ifHCInOctets{device="epc-1",ifName=eth0}))`: a query as one line of text. */
export function describeQuery(q: SeriesQuery): string {
  const matchers = [q.device ? `device="${q.device}"` : '', labelMatchers(q.labels)].filter(Boolean).join(',');
  let text = matchers ? `${q.metric}{${matchers}}` : q.metric;
  if (q.fn && q.fn !== 'avg') text = `${q.fn}(${text})`;
  if (q.agg) {
    const by = (q.by ?? []).filter(Boolean);
    text = `${q.agg}${by.length ? ` by (${by.join(', ')})` : ''} (${text})`;
  }
  return text;
}
