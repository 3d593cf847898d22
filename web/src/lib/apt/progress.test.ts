import { describe, expect, it } from 'vitest';
import { describeProgress, isForRepo, parsePublishProgress, publishPercent, stageLabel } from './progress';

describe('parsePublishProgress', () => {
  it('reads the hub framing (fields in data)', () => {
    const p = parsePublishProgress({
      type: 'apt.publish.progress',
      tenant: 'acme',
      data: { repo: 'stable', stage: 'index', done: 3, total: 8 },
    });
    expect(p).toEqual({ tenant: 'acme', repo: 'stable', stage: 'index', done: 3, total: 8 });
  });
  it('reads flat events too', () => {
    const p = parsePublishProgress({ type: 'apt.publish.progress', tenant: 'acme', repo: 'stable', stage: 'sign', done: 1, total: 2 });
    expect(p).toEqual({ tenant: 'acme', repo: 'stable', stage: 'sign', done: 1, total: 2 });
  });
  it('tolerates missing or odd counters', () => {
    const p = parsePublishProgress({ type: 'apt.publish.progress', tenant: 'acme', data: { repo: 'r', stage: 'flip', done: 'x' } });
    expect(p).toEqual({ tenant: 'acme', repo: 'r', stage: 'flip', done: null, total: null });
  });
  it('ignores other events and malformed ones', () => {
    expect(parsePublishProgress({ type: 'audit', tenant: 'acme', data: { repo: 'r', stage: 'index' } })).toBeNull();
    expect(parsePublishProgress({ type: 'apt.publish.progress', data: { stage: 'index' } })).toBeNull();
    expect(parsePublishProgress({ type: 'apt.publish.progress', data: { repo: 'r' } })).toBeNull();
    // What epcfleetd sends: the fields (tenant included) inside data.
    expect(
      parsePublishProgress({
        type: 'apt.publish.progress',
        tenant: 'acme',
        data: { tenant: 'acme', repo: 'stable', stage: 'cleanup', done: 6, total: 6 },
      }),
    ).toEqual({ tenant: 'acme', repo: 'stable', stage: 'cleanup', done: 6, total: 6 });
    expect(parsePublishProgress(null)).toBeNull();
    expect(parsePublishProgress('apt.publish.progress')).toBeNull();
  });
});

describe('isForRepo', () => {
  it('matches tenant and repo', () => {
    const p = { tenant: 'acme', repo: 'stable', stage: 'index', done: null, total: null };
    expect(isForRepo(p, 'acme', 'stable')).toBe(true);
    expect(isForRepo(p, 'acme', 'testing')).toBe(false);
    expect(isForRepo(p, 'other', 'stable')).toBe(false);
    expect(isForRepo({ ...p, tenant: null }, 'acme', 'stable')).toBe(true);
  });
});

describe('publishPercent', () => {
  const at = (stage: string, done: number | null = null, total: number | null = null) => ({
    tenant: 'acme',
    repo: 'r',
    stage,
    done,
    total,
  });
  it('fills most of the bar while writing indexes', () => {
    expect(publishPercent(at('index'))).toBe(0);
    expect(publishPercent(at('index', 2, 4))).toBe(40);
    expect(publishPercent(at('index', 4, 4))).toBe(80);
  });
  it('moves on through the short stages, whichever the publisher reports', () => {
    const later = ['compress', 'sign', 'flip', 'cleanup'].map((s) => publishPercent(at(s, 4, 4))!);
    expect(later[0]).toBeGreaterThan(80);
    for (let i = 1; i < later.length; i++) expect(later[i]).toBeGreaterThan(later[i - 1]!);
    expect(later[later.length - 1]).toBeLessThan(100);
    expect(publishPercent(at('done', 4, 4))).toBe(100);
  });
  it('never goes backwards over the stages this server sends (index, sign, cleanup, done)', () => {
    const seq = [at('index', 0, 6), at('index', 3, 6), at('index', 6, 6), at('sign', 6, 6), at('cleanup', 6, 6), at('done', 6, 6)];
    const pct = seq.map((p) => publishPercent(p)!);
    for (let i = 1; i < pct.length; i++) expect(pct[i]).toBeGreaterThanOrEqual(pct[i - 1]!);
  });
  it('is unknown for stages it does not know', () => {
    expect(publishPercent(at('vacuum', 1, 2))).toBeNull();
  });
});

describe('labels', () => {
  it('says what is happening', () => {
    expect(stageLabel('compress')).toBe('Compressing indexes');
    expect(stageLabel('mystery')).toBe('mystery');
    expect(describeProgress({ tenant: 'a', repo: 'r', stage: 'index', done: 12, total: 40 })).toBe(
      'Writing package indexes (12 of 40)',
    );
    expect(describeProgress({ tenant: 'a', repo: 'r', stage: 'done', done: 40, total: 40 })).toBe('Published');
    expect(describeProgress({ tenant: 'a', repo: 'r', stage: 'sign', done: 40, total: 40 })).toBe('Signing the Release files');
    expect(stageLabel('cleanup')).toBe('Cleaning up');
  });
});
