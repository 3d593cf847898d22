// One repository's publish as the dashboard sees it: the POST (which answers when the new
// indexes are live) and, meanwhile, the progress the events WebSocket reports. Progress for a
// publish started elsewhere (another tab, a script) is shown too, and its end announced.
import { publishRepo } from '../resources/repos';
import type { AptRepo, ServerEvent } from '../types';
import { events } from '../ws';
import { isForRepo, parsePublishProgress, PUBLISH_PROGRESS_EVENT, type PublishProgress } from './progress';

export type PublishStatus = 'idle' | 'running' | 'succeeded' | 'failed';

interface EventSource {
  on(type: string, listener: (event: ServerEvent) => void): () => void;
}

export class PublishJob {
  status: PublishStatus = $state('idle');
  progress: PublishProgress | null = $state.raw(null);
  error: unknown = $state.raw(null);
  result: AptRepo | null = $state.raw(null);
  /** The snapshot being published, if any. */
  snapshot: string | null = $state(null);
  /** A publish of this repository that someone else started is under way. */
  elsewhere = $state(false);

  private off: (() => void) | null = null;

  constructor(
    private readonly tenant: string,
    private readonly repo: string,
    private readonly hooks: { onElsewhereDone?: () => void } = {},
    private readonly source: EventSource = events,
    private readonly publish: typeof publishRepo = publishRepo,
  ) {}

  /** Start listening for progress events (call stop() when the view goes away). */
  listen(): this {
    if (!this.off) this.off = this.source.on(PUBLISH_PROGRESS_EVENT, (ev) => this.onEvent(ev));
    return this;
  }

  stop(): void {
    this.off?.();
    this.off = null;
  }

  get running(): boolean {
    return this.status === 'running';
  }

  async run(snapshot?: string): Promise<AptRepo | null> {
    if (this.status === 'running') return null;
    this.status = 'running';
    this.progress = null;
    this.error = null;
    this.result = null;
    this.snapshot = snapshot ?? null;
    this.elsewhere = false;
    try {
      const repo = await this.publish(this.tenant, this.repo, snapshot);
      this.result = repo;
      this.status = 'succeeded';
      return repo;
    } catch (e) {
      this.error = e;
      this.status = 'failed';
      return null;
    }
  }

  reset(): void {
    if (this.status === 'running') return;
    this.status = 'idle';
    this.progress = null;
    this.error = null;
    this.result = null;
    this.snapshot = null;
  }

  private onEvent(ev: ServerEvent): void {
    const p = parsePublishProgress(ev);
    if (!p || !isForRepo(p, this.tenant, this.repo)) return;
    this.progress = p;
    if (this.status === 'running') return;
    if (p.stage === 'done') {
      const was = this.elsewhere;
      this.elsewhere = false;
      this.progress = null;
      if (was) this.hooks.onElsewhereDone?.();
    } else {
      this.elsewhere = true;
    }
  }
}
