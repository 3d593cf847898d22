import { describe, expect, it } from 'vitest';
import { isFinished, makeItems, outcomeOf, summarizeUploads, type UploadItem } from './uploads';
import { MAX_UPLOAD_BYTES } from './validation';

function fakeFile(name: string, size: number): File {
  return { name, size } as File;
}

describe('makeItems', () => {
  it('queues .deb files and fails the rest with a reason', () => {
    const items = makeItems(
      [fakeFile('a_1.0_amd64.deb', 10), fakeFile('notes.txt', 10), fakeFile('b.deb', 0), fakeFile('huge.deb', MAX_UPLOAD_BYTES + 1)],
      'main',
    );
    expect(items.map((i) => i.status)).toEqual(['queued', 'failed', 'failed', 'failed']);
    expect(items[1]!.message).toMatch(/\.deb/);
    expect(items[2]!.message).toMatch(/empty/);
    expect(items[3]!.message).toMatch(/512 MiB/);
    expect(items[0]!.component).toBe('main');
    expect(new Set(items.map((i) => i.id)).size).toBe(4);
  });
});

describe('outcomes', () => {
  it('tells a new file from an identical re-upload', () => {
    expect(outcomeOf(201)).toBe('added');
    expect(outcomeOf(200)).toBe('unchanged');
    expect(isFinished('uploading')).toBe(false);
    expect(isFinished('unchanged')).toBe(true);
  });
  it('summarizes a batch', () => {
    const at = (status: UploadItem['status']) => ({ status }) as UploadItem;
    expect(summarizeUploads([at('added'), at('added'), at('unchanged'), at('failed'), at('queued')])).toBe(
      '2 added, 1 already there, 1 failed, 1 to go',
    );
    expect(summarizeUploads([])).toBe('Nothing uploaded');
  });
});
