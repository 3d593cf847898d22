// @vitest-environment jsdom
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ImportDevicesDialog from './ImportDevicesDialog.svelte';
import { settle, stubDialogs } from '../../testing';

/** Answers every upload with `status` and `body`, recording what was sent. */
function fakeXhr(status: number, body: unknown, sent: { url: string; type: string | null; body: Blob | null }[]) {
  return class {
    upload = { onprogress: null };
    onload: (() => void) | null = null;
    onerror = null;
    onabort = null;
    status = 0;
    responseText = '';
    private url = '';
    private headers: Record<string, string> = {};
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader(name: string, value: string) {
      this.headers[name] = value;
    }
    getResponseHeader() {
      return null;
    }
    send(file: Blob) {
      sent.push({ url: this.url, type: this.headers['Content-Type'] ?? null, body: file });
      setTimeout(() => {
        this.status = status;
        this.responseText = JSON.stringify(body);
        this.onload?.();
      }, 0);
    }
    abort() {}
  };
}

const CSV = 'name,address,version,community\nepc-1,10.0.0.1,2c,public-one\nepc-2,bad,2c,secret-two\nepc-3,10.0.0.3,9,x\n';

describe('ImportDevicesDialog', () => {
  let target: HTMLElement;
  let component: ReturnType<typeof mount> | null = null;
  const sent: { url: string; type: string | null; body: Blob | null }[] = [];
  const imported = vi.fn();

  beforeEach(() => {
    stubDialogs();
    target = document.createElement('div');
    document.body.append(target);
    sent.length = 0;
  });
  afterEach(() => {
    if (component) unmount(component);
    component = null;
    target.remove();
    imported.mockReset();
    vi.unstubAllGlobals();
  });

  async function importFile() {
    component = mount(ImportDevicesDialog, { target, props: { open: true, tenant: 'acme', onclose: () => {}, onimported: imported } });
    flushSync();
    const input = document.querySelector<HTMLInputElement>('#import-file')!;
    Object.defineProperty(input, 'files', { value: [new File([CSV], 'devices.csv', { type: 'text/csv' })] });
    input.dispatchEvent(new Event('change', { bubbles: true }));
    flushSync();
    document.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle(6);
  }

  it('uploads the file as text/csv and shows every refused line beside its text, secrets masked', async () => {
    vi.stubGlobal(
      'XMLHttpRequest',
      fakeXhr(422, { error: { code: 'invalid_argument', message: 'import refused' }, errors: [{ line: 4, error: 'version must be "1", "2c" or "3"' }, { line: 3, error: 'address "bad" is not an IPv4 or IPv6 address' }] }, sent),
    );
    await importFile();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('/api/v1/tenants/acme/devices/import');
    expect(sent[0]!.type).toBe('text/csv');

    const box = document.querySelector('[data-testid="import-problems"]')!;
    expect(box.textContent).toMatch(/The file was refused: 2 problems on 2 lines\./);
    const rows = [...box.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['3', 'address "bad" is not an IPv4 or IPv6 address', 'epc-2,bad,2c,••••••'],
      ['4', 'version must be "1", "2c" or "3"', 'epc-3,10.0.0.3,9,••••••'],
    ]);
    expect(document.body.textContent).not.toMatch(/secret-two/);
    expect(imported).not.toHaveBeenCalled();
  });

  it('reports the number created', async () => {
    vi.stubGlobal('XMLHttpRequest', fakeXhr(201, { created: 3, devices: ['d-1', 'd-2', 'd-3'] }, sent));
    await importFile();
    expect(imported).toHaveBeenCalledWith({ created: 3, devices: ['d-1', 'd-2', 'd-3'] });
    expect(document.querySelector('[data-testid="import-done"]')?.textContent).toMatch(/Created 3 devices/);
  });

  it('shows any other refusal as the server’s message', async () => {
    vi.stubGlobal('XMLHttpRequest', fakeXhr(413, { error: { code: 'too_large', message: 'The file is larger than 8 MiB.' } }, sent));
    await importFile();
    expect(document.querySelector('[role="alert"]')?.textContent).toMatch(/larger than 8 MiB/);
    expect(document.querySelector('[data-testid="import-problems"]')).toBeNull();
  });
});
