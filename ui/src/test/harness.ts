// Mounts the whole app against the fake backend (the same one the Playwright tests use),
// through @tauri-apps/api/mocks, and gives tests small helpers to wait and type.

import { flushSync, mount, unmount } from 'svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import data from '../../e2e/fixtures/backend-data.json';
// Plain JavaScript, shared with the Playwright runner (which injects it into the page).
import { createFakeBackend } from '../../e2e/fixtures/fake-backend.js';
import App from '../App.svelte';
import { app, batch } from '../state.svelte';
import { setLang } from '../i18n.svelte';

export type Call = { cmd: string; args: Record<string, any> };
export type Backend = { calls: Call[]; documents: Record<string, any>; settings: any };

export const fixture = data as any;
export const ids = {
  /** invoice-en-minimal.pdf: to review, seller_name has an alternative. */
  minimal: Object.keys(fixture.documents).find((k) => fixture.documents[k].file_name === 'invoice-en-minimal.pdf')!,
  zugferd: Object.keys(fixture.documents).find((k) => fixture.documents[k].file_name === 'zugferd-invoice-de.pdf')!,
};

export function resetAppState() {
  app.screen = 'queue';
  app.docId = null;
  app.queueIds = [];
  app.query = { status: 'to_review', search: null, sort: 'received', descending: true };
  app.queueVersion = 0;
  app.changedIds = [];
  app.settings = null;
  app.shortcutsOpen = false;
  app.error = null;
  app.notice = null;
  batch.running = false;
  batch.summary = null;
  batch.failures = [];
  batch.done = 0;
  batch.total = 0;
  setLang('en');
}

/** Apps mounted by the current test; setup.ts unmounts them so their window listeners go. */
export const mounted: (() => void)[] = [];

export function startApp(options: { language?: string } = {}) {
  resetAppState();
  const backend = createFakeBackend(fixture, {
    language: options.language,
    stepMs: 1,
    emit: (event: string, payload: unknown) => {
      void (window as any).__TAURI_INTERNALS__.invoke('plugin:event|emit', { event, payload });
    },
  }) as unknown as Backend & { handle: (cmd: string, args: any, run: (id: number, data: unknown) => void) => unknown };
  mockIPC(
    (cmd, args) =>
      backend.handle(cmd, args as any, (id, msg) => (window as any).__TAURI_INTERNALS__.runCallback(id, msg)),
    { shouldMockEvents: true },
  );
  const target = document.createElement('div');
  document.body.appendChild(target);
  const component = mount(App, { target });
  mounted.push(() => unmount(component));
  return {
    backend,
    target,
  };
}

export async function waitFor<T>(probe: () => T | null | undefined | false, timeoutMs = 2000): Promise<T> {
  const start = Date.now();
  for (;;) {
    flushSync();
    const v = probe();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${probe.toString()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function key(el: Element | Window, k: string, init: KeyboardEventInit = {}) {
  const e = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init });
  el.dispatchEvent(e);
  flushSync();
  return e;
}

export function typeInto(input: HTMLInputElement, text: string) {
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

export function callsOf(backend: Backend, cmd: string) {
  return backend.calls.filter((c) => c.cmd === cmd);
}
