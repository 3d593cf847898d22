import { describe, expect, it } from 'vitest';
import { fixedCharts, formatPercent, metricCharts } from './stats';

describe('formatPercent', () => {
  it('shows availability with the precision its promise needs, never rounding up to 100', () => {
    expect(formatPercent(99.95)).toBe('99.95 %');
    expect(formatPercent(99.9996)).toBe('99.999 %');
    expect(formatPercent(100)).toBe('100 %');
    expect(formatPercent(42)).toBe('42.00 %');
    expect(formatPercent(99.91)).toBe('99.91 %');
    expect(formatPercent(99.99)).toBe('99.99 %');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('device charts', () => {
  it('starts with latency and status history, then the poller’s metrics, then the rest by name', () => {
    expect(fixedCharts('d-1').map((c) => c.query)).toEqual([
      { metric: 'snmp_poll_latency_ms', device: 'd-1', fn: 'avg' },
      { metric: 'snmp_up', device: 'd-1', fn: 'avg' },
    ]);
    const charts = metricCharts('d-1', ['ifHCInOctets', 'snmp_up', 'sys_uptime_s', 'epc_attached_ues', 'snmp_poll_duration_ms', 'snmp_poll_latency_ms']);
    expect(charts.map((c) => c.query.metric)).toEqual(['snmp_poll_duration_ms', 'sys_uptime_s', 'epc_attached_ues', 'ifHCInOctets']);
    expect(charts.every((c) => c.query.device === 'd-1' && c.query.fn === 'avg')).toBe(true);
  });
});
