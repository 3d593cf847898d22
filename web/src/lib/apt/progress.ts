// Publish progress as the events WebSocket reports it. The hub frames events as
// {"type","tenant","data":{…}}; the publisher's fields (repo, stage, done, total) are read from
// `data` or, failing that, from the top level, and anything unexpected is ignored (the view then
// falls back to a spinner).
import type { ServerEvent } from '../types';
import { percentOf } from '../format';

export const PUBLISH_PROGRESS_EVENT = 'apt.publish.progress';

/**
 * Stages the publisher may report, in the order it runs them. Writing the indexes is the bulk
 * of the work; the others are short. A publisher need not report every stage.
 */
export const PUBLISH_STAGES = ['index', 'compress', 'sign', 'flip', 'cleanup', 'done'] as const;
export type PublishStage = (typeof PUBLISH_STAGES)[number];

/** Share of the bar that writing the indexes fills; the short stages share the rest. */
const INDEX_SHARE = 80;

export interface PublishProgress {
  tenant: string | null;
  repo: string;
  stage: string;
  done: number | null;
  total: number | null;
}

const STAGE_LABELS: Record<PublishStage, string> = {
  index: 'Writing package indexes',
  compress: 'Compressing indexes',
  sign: 'Signing the Release files',
  flip: 'Switching clients to the new indexes',
  cleanup: 'Cleaning up',
  done: 'Published',
};

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null;
}

export function parsePublishProgress(ev: ServerEvent | unknown): PublishProgress | null {
  if (!ev || typeof ev !== 'object') return null;
  const top = ev as Record<string, unknown>;
  if (top.type !== PUBLISH_PROGRESS_EVENT) return null;
  const data = top.data && typeof top.data === 'object' ? (top.data as Record<string, unknown>) : {};
  const pick = (k: string) => (k in data ? data[k] : top[k]);
  const repo = str(pick('repo'));
  const stage = str(pick('stage'));
  if (!repo || !stage) return null;
  return {
    tenant: str(top.tenant) ?? str(data.tenant),
    repo,
    stage,
    done: num(pick('done')),
    total: num(pick('total')),
  };
}

export function isForRepo(p: PublishProgress, tenant: string, repo: string): boolean {
  return (p.tenant === null || p.tenant === tenant) && p.repo === repo;
}

export function stageLabel(stage: string): string {
  return (STAGE_LABELS as Record<string, string>)[stage] ?? stage;
}

/**
 * Overall percent: writing the indexes fills the first 80 % by done/total, each later stage
 * starts further along the rest; null for a stage this dashboard does not know.
 */
export function publishPercent(p: PublishProgress): number | null {
  if (p.stage === 'done') return 100;
  if (p.stage === 'index') return Math.floor(((percentOf(p.done ?? 0, p.total) ?? 0) * INDEX_SHARE) / 100);
  const later = PUBLISH_STAGES.slice(1, -1) as readonly string[];
  const at = later.indexOf(p.stage);
  if (at < 0) return null;
  return INDEX_SHARE + Math.floor(((at + 1) * (100 - INDEX_SHARE)) / (later.length + 1));
}

/** "Writing package indexes (12 of 40)"; counts only while writing indexes (they mean indexes). */
export function describeProgress(p: PublishProgress): string {
  const label = stageLabel(p.stage);
  if (p.stage === 'index' && p.done !== null && p.total) return `${label} (${p.done} of ${p.total})`;
  return label;
}
