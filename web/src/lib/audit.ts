// Pure helpers for the audit log view: which records a filter shows, merging pages with live
// records (no duplicates, newest first), and how an outcome reads.
import type { AuditFilter, AuditRecord } from './types';

export const EMPTY_FILTER: AuditFilter = { action: '', actor: '', outcome: '' };

export function normalizeFilter(f: AuditFilter): AuditFilter {
  return { action: f.action.trim(), actor: f.actor.trim(), outcome: f.outcome.trim() };
}

export function sameFilter(a: AuditFilter, b: AuditFilter): boolean {
  return a.action === b.action && a.actor === b.actor && a.outcome === b.outcome;
}

/** Whether a live record belongs in a view filtered by `f` (exact matches, as the API filters). */
export function matchesFilter(r: AuditRecord, f: AuditFilter): boolean {
  return (
    (!f.action || r.action === f.action) &&
    (!f.actor || r.actor === f.actor) &&
    (!f.outcome || r.outcome === f.outcome)
  );
}

/** `current` plus `incoming`, one record per seq, newest (highest seq) first. */
export function mergeRecords(current: readonly AuditRecord[], incoming: readonly AuditRecord[]): AuditRecord[] {
  if (incoming.length === 0) return current as AuditRecord[];
  const bySeq = new Map<number, AuditRecord>();
  for (const r of current) bySeq.set(r.seq, r);
  for (const r of incoming) bySeq.set(r.seq, r);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq);
}

export function isAuditRecord(v: unknown): v is AuditRecord {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return typeof r.seq === 'number' && typeof r.action === 'string' && typeof r.time === 'string';
}

export type OutcomeTone = 'success' | 'danger' | 'warning' | '';

export function outcomeTone(outcome: string): OutcomeTone {
  const o = outcome.toLowerCase();
  if (o === 'success' || o === 'ok' || o === 'succeeded' || o === 'allowed') return 'success';
  if (o === 'failure' || o === 'failed' || o === 'error' || o === 'denied' || o === 'forbidden') return 'danger';
  return o ? 'warning' : '';
}

export function hasDetail(r: AuditRecord): boolean {
  const d = r.detail;
  if (d === undefined || d === null || d === '') return false;
  if (typeof d === 'object' && Object.keys(d as object).length === 0) return false;
  return true;
}

export function detailText(r: AuditRecord): string {
  return typeof r.detail === 'string' ? r.detail : JSON.stringify(r.detail, null, 2);
}
