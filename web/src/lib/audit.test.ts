import { describe, expect, it } from 'vitest';
import { hasDetail, isAuditRecord, matchesFilter, mergeRecords, outcomeTone } from './audit';
import type { AuditRecord } from './types';

const rec = (seq: number, over: Partial<AuditRecord> = {}): AuditRecord => ({
  seq,
  time: '2026-11-27T09:14:03.123Z',
  actor: 'admin',
  tenant: 'acme',
  action: 'user.create',
  target: 'alice',
  outcome: 'success',
  source: '127.0.0.1',
  request_id: `r${seq}`,
  detail: {},
  ...over,
});

describe('mergeRecords', () => {
  it('keeps one record per seq, newest first', () => {
    const merged = mergeRecords([rec(5), rec(3)], [rec(4), rec(5, { target: 'bob' }), rec(6)]);
    expect(merged.map((r) => r.seq)).toEqual([6, 5, 4, 3]);
    expect(merged[1]!.target).toBe('bob');
  });
  it('returns the same array when nothing arrives', () => {
    const list = [rec(1)];
    expect(mergeRecords(list, [])).toBe(list);
  });
});

describe('matchesFilter', () => {
  it('matches whole values; empty fields match anything', () => {
    const r = rec(1);
    expect(matchesFilter(r, { action: '', actor: '', outcome: '' })).toBe(true);
    expect(matchesFilter(r, { action: 'user.create', actor: 'admin', outcome: 'success' })).toBe(true);
    expect(matchesFilter(r, { action: 'user', actor: '', outcome: '' })).toBe(false);
    expect(matchesFilter(r, { action: '', actor: 'bob', outcome: '' })).toBe(false);
    expect(matchesFilter(r, { action: '', actor: '', outcome: 'failure' })).toBe(false);
  });
});

describe('record helpers', () => {
  it('recognises records pushed over the socket', () => {
    expect(isAuditRecord(rec(1))).toBe(true);
    expect(isAuditRecord({ seq: '1', action: 'x', time: 't' })).toBe(false);
    expect(isAuditRecord(null)).toBe(false);
  });
  it('colours outcomes', () => {
    expect(outcomeTone('success')).toBe('success');
    expect(outcomeTone('denied')).toBe('danger');
    expect(outcomeTone('partial')).toBe('warning');
  });
  it('hides empty details', () => {
    expect(hasDetail(rec(1))).toBe(false);
    expect(hasDetail(rec(1, { detail: { role: 'viewer' } }))).toBe(true);
    expect(hasDetail(rec(1, { detail: null }))).toBe(false);
  });
});
