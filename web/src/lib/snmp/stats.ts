// How a device's statistics and charts read: percentages with the precision availability needs
// (99.95 % and 99.999 % are different promises), and which metrics the device page charts.
import type { SeriesQuery } from '../timeseries';

/** "99.95 %", "100 %", "99.999 %", "—": two decimals, a third above 99.9 % when it is not 0. */
export function formatPercent(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return '—';
  if (pct >= 100) return '100 %';
  const digits = pct > 99.9 ? 3 : 2;
  // Rounded down: 99.9996 must not read "100 %", an outage in the range has to stay visible.
  const factor = 10 ** digits;
  const text = (Math.floor(pct * factor + 1e-6) / factor).toFixed(digits);
  return `${digits === 3 && text.endsWith('0') ? text.slice(0, -1) : text} %`;
}

export interface DeviceChart {
  id: string;
  title: string;
  /** What the values are, under the title. */
  caption: string;
  query: SeriesQuery;
}

/** Written by the poller for every device (docs/snmp.md, "Time series written per poll"). */
export const POLL_METRICS = ['snmp_up', 'snmp_poll_latency_ms', 'snmp_poll_duration_ms', 'snmp_poll_varbinds', 'sys_uptime_s'] as const;

/** The charts every device page starts with: latency and the up/down history. */
export function fixedCharts(device: string): DeviceChart[] {
  return [
    {
      id: 'latency',
      title: 'Poll latency',
      caption: 'snmp_poll_latency_ms: round-trip time of each poll’s first request, in ms (average per step)',
      query: { metric: 'snmp_poll_latency_ms', device, fn: 'avg' },
    },
    {
      id: 'up',
      title: 'Status history',
      caption: 'snmp_up: 1 when a poll succeeded, 0 when it failed (average per step: the share of polls that succeeded)',
      query: { metric: 'snmp_up', device, fn: 'avg' },
    },
  ];
}

/**
 * Charts for the device's other metrics, from the names /series lists for it: the poller's own
 * first, then the profile's and custom OIDs' by name. Counters are stored as rates already, so
 * every chart shows the average per step.
 */
export function metricCharts(device: string, metrics: readonly string[]): DeviceChart[] {
  const fixed = new Set(fixedCharts(device).map((c) => c.query.metric));
  const poll = POLL_METRICS as readonly string[];
  const rank = (m: string) => (poll.includes(m) ? poll.indexOf(m) : poll.length);
  return [...new Set(metrics)]
    .filter((m) => !fixed.has(m))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((metric) => ({ id: `metric-${metric}`, title: metric, caption: '', query: { metric, device, fn: 'avg' } }));
}
