// @vitest-environment jsdom
import { flushSync, mount, tick, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import RangePicker from './RangePicker.svelte';
import { toLocalInput, type TimeRange } from '../lib/time-range';

const H = 3600_000;

describe('RangePicker', () => {
  let target: HTMLElement;
  let component: ReturnType<typeof mount> | null = null;
  let value: TimeRange = $state({ kind: 'last', ms: H });

  beforeEach(() => {
    value = { kind: 'last', ms: H };
    target = document.createElement('div');
    document.body.append(target);
    component = mount(RangePicker, {
      target,
      props: {
        get value() {
          return value;
        },
        set value(v: TimeRange) {
          value = v;
        },
      },
    });
    flushSync();
  });
  afterEach(() => {
    if (component) unmount(component);
    target.remove();
  });

  const button = (text: string) => [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === text)!;
  const input = (value: string, el: HTMLInputElement) => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  };

  it('marks the current preset and picks another', () => {
    expect(button('1h').getAttribute('aria-pressed')).toBe('true');
    expect(button('24h').getAttribute('aria-pressed')).toBe('false');
    button('24h').click();
    flushSync();
    expect(value).toEqual({ kind: 'last', ms: 24 * H });
    expect(button('24h').getAttribute('aria-pressed')).toBe('true');
    expect(button('1h').getAttribute('aria-pressed')).toBe('false');
  });

  it('takes a custom range, refusing one that ends before it starts', async () => {
    button('Custom').click();
    await tick();
    const form = target.querySelector('form')!;
    expect(form).not.toBeNull();
    const [from, to] = [...form.querySelectorAll('input')] as [HTMLInputElement, HTMLInputElement];
    expect(document.activeElement).toBe(from);

    const start = new Date(2026, 10, 20, 8, 0).getTime();
    input(toLocalInput(start + 2 * H), from);
    input(toLocalInput(start), to);
    flushSync();
    form.requestSubmit();
    flushSync();
    expect(target.querySelector('[role="alert"]')?.textContent).toMatch(/after the start/);
    expect(value).toEqual({ kind: 'last', ms: H });

    input(toLocalInput(start), from);
    input(toLocalInput(start + 2 * H), to);
    flushSync();
    form.requestSubmit();
    flushSync();
    expect(value).toEqual({ kind: 'between', start, end: start + 2 * H });
    expect(target.querySelector('form')).toBeNull();
    const custom = [...target.querySelectorAll('button')].at(-1)!;
    expect(custom.getAttribute('aria-pressed')).toBe('true');
    expect(custom.textContent).toMatch(/08:00 – .*10:00/);
  });

  it('closes the custom form on Escape', async () => {
    button('Custom').click();
    await tick();
    target.querySelector('input')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    flushSync();
    expect(target.querySelector('form')).toBeNull();
  });
});
