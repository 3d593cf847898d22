// What the Metrics page shows, kept in the address (#/t/acme/metrics?metric=…&range=6h) so that
// a chart can be bookmarked, shared and survives a reload.
import { DEFAULT_RANGE, decodeRange, encodeRange, type TimeRange } from './time-range';
import { AGG_FNS, RANGE_FNS, type AggFn, type RangeFn, type SeriesQuery } from './timeseries';

export interface MetricsView {
  metric: string;
  /** '' = every device. */
  device: string;
  fn: RangeFn;
  /** '' = one line per series. */
  agg: AggFn | '';
  /** Label names to group by, comma-separated as typed. */
  by: string;
  /** Label matchers as typed (`ifName=~eth.*`). */
  labels: string;
  range: TimeRange;
  /** Auto-refresh period in ms; 0 = off. */
  refreshMs: number;
}

export const REFRESH_CHOICES: readonly { ms: number; label: string }[] = [
  { ms: 0, label: 'Off' },
  { ms: 30_000, label: '30s' },
  { ms: 60_000, label: '1m' },
  { ms: 300_000, label: '5m' },
];

export const EMPTY_VIEW: MetricsView = {
  metric: '',
  device: '',
  fn: 'avg',
  agg: '',
  by: '',
  labels: '',
  range: DEFAULT_RANGE,
  refreshMs: 0,
};

/** The view a hash's query names; anything missing or unknown takes its default. */
export function viewFromHash(hash: string): MetricsView {
  const q = hash.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : hash.slice(q + 1));
  const get = (k: string) => params.get(k)?.trim() ?? '';
  const fn = get('fn');
  const agg = get('agg');
  const refresh = Number(get('refresh'));
  return {
    metric: get('metric'),
    device: get('device'),
    fn: (RANGE_FNS as readonly string[]).includes(fn) ? (fn as RangeFn) : 'avg',
    agg: (AGG_FNS as readonly string[]).includes(agg) ? (agg as AggFn) : '',
    by: get('by'),
    labels: get('labels'),
    range: decodeRange(get('range')) ?? DEFAULT_RANGE,
    refreshMs: REFRESH_CHOICES.some((c) => c.ms === refresh) ? refresh : 0,
  };
}

/** `#/t/acme/metrics?metric=…`: the hash for a view (defaults left out). */
export function viewToHash(path: string, view: MetricsView): string {
  const params = new URLSearchParams();
  if (view.metric) params.set('metric', view.metric);
  if (view.device) params.set('device', view.device);
  if (view.fn !== 'avg') params.set('fn', view.fn);
  if (view.agg) params.set('agg', view.agg);
  if (view.agg && view.by) params.set('by', view.by);
  if (view.labels) params.set('labels', view.labels);
  const range = encodeRange(view.range);
  if (range !== encodeRange(DEFAULT_RANGE)) params.set('range', range);
  if (view.refreshMs) params.set('refresh', String(view.refreshMs));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The chart's query for a view. */
export function viewQuery(view: MetricsView): SeriesQuery {
  return {
    metric: view.metric,
    device: view.device || null,
    labels: view.labels || null,
    fn: view.fn,
    agg: view.agg || null,
    by: view.agg
      ? view.by
          .split(/[,\s]+/)
          .map((s) => s.trim())
          .filter(Boolean)
      : null,
  };
}

/**
 * The function a metric is best charted with: counters (octets, packets, errors, `_total`) as
 * a rate, anything else as the average of each step.
 */
export function defaultFnFor(metric: string): RangeFn {
  return /(_total|_count|octets|pkts|packets|errors|discards|drops)$/i.test(metric) ? 'rate' : 'avg';
}
