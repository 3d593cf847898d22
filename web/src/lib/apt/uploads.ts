// The upload queue's model: one entry per chosen file, what the server's answer means, and a
// one-line summary for the end of a batch.
import type { AptPackage } from '../types';
import { isDebFileName } from './packages';
import { checkUploadSize } from './validation';

export const DEB_CONTENT_TYPE = 'application/vnd.debian.binary-package';

export type UploadStatus = 'queued' | 'uploading' | 'processing' | 'added' | 'unchanged' | 'failed' | 'cancelled';

export interface UploadItem {
  id: number;
  file: File;
  component: string;
  status: UploadStatus;
  loaded: number;
  total: number;
  message: string | null;
  pkg: AptPackage | null;
}

let nextId = 1;

/** Queue entries for the chosen files; files that cannot succeed fail at once, with the reason. */
export function makeItems(files: Iterable<File>, component: string): UploadItem[] {
  const items: UploadItem[] = [];
  for (const file of files) {
    const problem = !isDebFileName(file.name)
      ? 'Not a .deb file.'
      : file.size === 0
        ? 'The file is empty.'
        : checkUploadSize(file.size);
    items.push({
      id: nextId++,
      file,
      component,
      status: problem ? 'failed' : 'queued',
      loaded: 0,
      total: file.size,
      message: problem,
      pkg: null,
    });
  }
  return items;
}

/** 201: a new file in the repository; 200: the identical file was already there. */
export function outcomeOf(status: number): 'added' | 'unchanged' {
  return status === 201 ? 'added' : 'unchanged';
}

export function isFinished(s: UploadStatus): boolean {
  return s === 'added' || s === 'unchanged' || s === 'failed' || s === 'cancelled';
}

export function summarizeUploads(items: readonly UploadItem[]): string {
  const count = (s: UploadStatus) => items.filter((i) => i.status === s).length;
  const parts: string[] = [];
  const added = count('added');
  const unchanged = count('unchanged');
  const failed = count('failed');
  const cancelled = count('cancelled');
  const pending = items.length - added - unchanged - failed - cancelled;
  if (added) parts.push(`${added} added`);
  if (unchanged) parts.push(`${unchanged} already there`);
  if (failed) parts.push(`${failed} failed`);
  if (cancelled) parts.push(`${cancelled} cancelled`);
  if (pending) parts.push(`${pending} to go`);
  return parts.join(', ') || 'Nothing uploaded';
}
