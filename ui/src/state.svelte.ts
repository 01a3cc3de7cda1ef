// App-wide state shared by the screens: which screen is shown, the open document, the queue
// order (for next/previous document), settings, the running batch and the last error.

import { ApiError } from './api';
import { t, type MessageKey } from './i18n.svelte';
import type { AppSettings, ProcessProgress, BatchSummaryDto, QueueQuery } from './types';

export type Screen = 'queue' | 'review' | 'intake' | 'settings';

export const app = $state({
  screen: 'queue' as Screen,
  docId: null as string | null,
  /** Ids of the queue as last listed, in its order: next/previous document walks these. */
  queueIds: [] as string[],
  query: { status: 'to_review', search: null, sort: 'received', descending: true } as QueueQuery,
  /** Bumped on every queue-changed event; screens reload when it changes. */
  queueVersion: 0,
  changedIds: [] as string[],
  settings: null as AppSettings | null,
  shortcutsOpen: false,
  error: null as string | null,
  notice: null as string | null,
});

export const batch = $state({
  running: false,
  dragging: false,
  done: 0,
  total: 0,
  current: '',
  failures: [] as ProcessProgress[],
  summary: null as BatchSummaryDto | null,
});

export function openDocument(id: string): void {
  app.docId = id;
  app.screen = 'review';
}

export function go(screen: Screen): void {
  app.screen = screen;
}

/** A message for an API error in the clerk's language: what happened, and what to do. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const key = `error.${e.code}` as MessageKey;
    const known = [
      'not_found',
      'invalid_value',
      'not_editable',
      'not_approvable',
      'not_rejectable',
      'posting_in_progress',
      'sap_not_configured',
    ];
    if (known.includes(e.code)) return t(key, { message: e.message });
    return t('error.generic', { message: e.message });
  }
  return t('error.generic', { message: e instanceof Error ? e.message : String(e) });
}

export function showError(e: unknown): void {
  app.error = errorText(e);
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
export function showNotice(text: string): void {
  app.notice = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (app.notice = null), 2500);
}

/** Applies the theme setting: '' follows the system (prefers-color-scheme in CSS). */
export function applyTheme(theme: string): void {
  if (typeof document === 'undefined') return;
  const root = document.documentElement;
  if (theme === 'light' || theme === 'dark') root.dataset.theme = theme;
  else delete root.dataset.theme;
}

/** True when a key press belongs to a text box, so single-letter shortcuts must not fire. */
export function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable;
}
