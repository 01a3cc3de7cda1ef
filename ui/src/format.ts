// Formatting that never goes through floating point for money: amounts arrive as decimal
// strings and are regrouped as text, so 0.1 + 0.2 problems cannot reach the screen.

import type { Lang } from './i18n.svelte';
import type { FieldView } from './types';

/** "1234567.5" → "1,234,567.50" (en) or "1.234.567,50" (de); at least two decimals. */
export function formatAmount(value: string | null | undefined, lang: Lang): string {
  if (value == null || value === '') return '';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) return value;
  const [, sign, int, frac = ''] = m;
  const group = lang === 'de' ? '.' : ',';
  const decimal = lang === 'de' ? ',' : '.';
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${sign}${grouped}${decimal}${frac.padEnd(2, '0')}`;
}

/** "2024-06-14" → "2024-06-14" (en, unambiguous) or "14.06.2024" (de). */
export function formatDate(value: string | null | undefined, lang: Lang): string {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return value;
  return lang === 'de' ? `${m[3]}.${m[2]}.${m[1]}` : `${m[1]}-${m[2]}-${m[3]}`;
}

/** RFC 3339 → local "YYYY-MM-DD HH:MM" / "DD.MM.YYYY HH:MM". */
export function formatDateTime(value: string, lang: Lang): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${formatDate(date, lang)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export type ConfidenceBand = 'high' | 'medium' | 'low';

/** Green from 0.9, amber from 0.6, red below: the overlay and field colours. */
export function confidenceBand(confidence: number): ConfidenceBand {
  if (confidence >= 0.9) return 'high';
  if (confidence >= 0.6) return 'medium';
  return 'low';
}

export function formatConfidence(confidence: number | null | undefined): string {
  if (confidence == null) return '';
  return `${Math.round(confidence * 100)}%`;
}

/**
 * The order Tab walks the header fields: lowest confidence first, ties in display order, so
 * the weakest value is always the next one. An empty field that a finding names (a missing
 * required value) counts as confidence 0 and comes first; empty fields nobody asks for come
 * last, so the clerk does not Tab through every optional blank.
 */
/**
 * How wide the page image is rendered for a zoom: sharp enough for the zoom and the screen's
 * pixel ratio, in steps of 400 px so that zooming re-renders rarely (and the width a
 * prefetch renders is the width the screen asks for).
 */
export function pageImageWidth(zoom: number, dpr = typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1): number {
  return Math.min(2400, Math.ceil((1000 * Math.max(1, zoom) * dpr) / 400) * 400);
}

export function tabOrder(fields: FieldView[]): string[] {
  const rank = (f: FieldView) => {
    if (f.value != null) return f.confidence;
    return f.findings.length > 0 ? 0 : 2;
  };
  return fields
    .map((f, i) => ({ key: f.key, c: rank(f), i }))
    .sort((a, b) => a.c - b.c || a.i - b.i)
    .map((f) => f.key);
}
/**
 * Adds decimal strings exactly (BigInt on a common scale), for "do the lines add up to the
 * net total" while the clerk edits. Returns null when a value is not a plain decimal.
 */
export function sumDecimals(values: (string | null | undefined)[]): string | null {
  let scale = 0;
  const parsed: { sign: bigint; int: string; frac: string }[] = [];
  for (const v of values) {
    if (v == null || v === '') continue;
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(v.trim());
    if (!m) return null;
    parsed.push({ sign: m[1] ? -1n : 1n, int: m[2], frac: m[3] ?? '' });
    scale = Math.max(scale, (m[3] ?? '').length);
  }
  let total = 0n;
  for (const p of parsed) total += p.sign * BigInt(p.int + p.frac.padEnd(scale, '0'));
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${int}${scale > 0 ? '.' + frac : ''}`;
}

/** Equality of two decimal strings by value ("10.5" = "10.50"). */
export function sameDecimal(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a == null || b == null) return false;
  const d = sumDecimals([a, b.startsWith('-') ? b.slice(1) : '-' + b]);
  return d != null && /^-?0*(\.0*)?$/.test(d);
}
