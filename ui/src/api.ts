// The one module through which the UI talks to the backend. `commands` has the shape that
// tauri-specta generates into `bindings.ts` (Result unions instead of thrown errors), so that
// moving to the generated file changes this module only. Screens call `call(...)`, which
// unwraps a Result into the value or a thrown `ApiError` they can branch on by code.

import { Channel, invoke } from '@tauri-apps/api/core';
import type {
  ApiErrorDto,
  AppSettings,
  BatchSummaryDto,
  CorrectionRequest,
  PrefetchReport,
  ProcessProgress,
  QueueCounts,
  QueueQuery,
  QueueRow,
  Result,
  ReviewDocument,
  ValueCheck,
  WordView,
} from './types';

export { Channel };

export class ApiError extends Error {
  readonly code: string;
  constructor(dto: ApiErrorDto) {
    super(dto.message);
    this.code = dto.code;
  }
}

function isApiErrorDto(e: unknown): e is ApiErrorDto {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

/**
 * Times a command when a measurement asked for it by putting an array at
 * `window.__sapllmTrace` (tests/e2e/next-doc.mjs does); otherwise nothing is recorded.
 */
function traced<T>(cmd: string, p: Promise<T>): Promise<T> {
  const trace = typeof window !== 'undefined' ? (window as { __sapllmTrace?: unknown[] }).__sapllmTrace : undefined;
  if (!Array.isArray(trace)) return p;
  const rec: { cmd: string; t0: number; t1: number | null } = { cmd, t0: performance.now(), t1: null };
  trace.push(rec);
  const end = () => (rec.t1 = performance.now());
  p.then(end, end);
  return p;
}

/** Records a moment (e.g. a document on screen) when a measurement is tracing. */
export function mark(name: string): void {
  const trace = typeof window !== 'undefined' ? (window as { __sapllmTrace?: unknown[] }).__sapllmTrace : undefined;
  if (!Array.isArray(trace)) return;
  const now = performance.now();
  trace.push({ cmd: name, t0: now, t1: now });
}

async function run<T>(cmd: string, args?: Record<string, unknown>): Promise<Result<T, ApiErrorDto>> {
  try {
    return { status: 'ok', data: await traced(cmd, invoke<T>(cmd, args)) };
  } catch (e) {
    if (isApiErrorDto(e)) return { status: 'error', error: e };
    // A string error comes from Tauri itself (unknown command, denied by a capability).
    return { status: 'error', error: { code: 'ipc', message: String(e) } };
  }
}

export const commands = {
  /** Tells the shell the queue is on screen; answers milliseconds since process start. */
  uiReady: () => run<number>('ui_ready'),
  queue: (query: QueueQuery) => run<QueueRow[]>('queue', { query }),
  queueCounts: () => run<QueueCounts>('queue_counts'),
  document: (id: string) => run<ReviewDocument>('document', { id }),
  pageWords: (id: string, page: number) => run<WordView[]>('page_words', { id, page }),
  /** Warms the next document in Rust (pages, page image, view); answers when done. */
  prefetchDocument: (id: string, widthPx: number) =>
    run<PrefetchReport>('prefetch_document', { id, widthPx }),
  correct: (id: string, request: CorrectionRequest) => run<ReviewDocument>('correct', { id, request }),
  checkValue: (field: string, value: string) => run<ValueCheck>('check_value', { field, value }),
  approve: (id: string, comment: string | null) => run<ReviewDocument>('approve', { id, comment }),
  reject: (id: string, comment: string) => run<ReviewDocument>('reject', { id, comment }),
  processPaths: (paths: string[], onProgress: Channel<ProcessProgress>) =>
    run<BatchSummaryDto>('process_paths', { paths, onProgress }),
  getSettings: () => run<AppSettings>('get_settings'),
  saveSettings: (settings: AppSettings) => run<AppSettings>('save_settings', { settings }),
  pickFiles: () => run<string[]>('pick_files'),
  pickFolder: () => run<string | null>('pick_folder'),
};

/** Unwraps a command's Result: the data, or an `ApiError` thrown. */
export async function call<T>(result: Promise<Result<T, ApiErrorDto>>): Promise<T> {
  const r = await result;
  if (r.status === 'ok') return r.data;
  throw new ApiError(r.error);
}

/**
 * The page as PNG bytes. Not in `commands`: the Rust command returns a raw
 * `tauri::ipc::Response`, which arrives as an ArrayBuffer and which specta does not type.
 */
export async function pageImage(id: string, page: number, widthPx: number): Promise<Blob> {
  try {
    const bytes = await traced('page_image', invoke<ArrayBuffer | Uint8Array | number[]>('page_image', { id, page, widthPx }));
    const data = Array.isArray(bytes) ? new Uint8Array(bytes) : bytes;
    return new Blob([data as BlobPart], { type: 'image/png' });
  } catch (e) {
    throw new ApiError(isApiErrorDto(e) ? e : { code: 'ipc', message: String(e) });
  }
}

export const QUEUE_CHANGED = 'queue-changed';
export const INTAKE_PROGRESS = 'intake-progress';
