// Starting a batch: used by the drop handler (anywhere on the window) and the Intake screen.

import { Channel, call, commands } from '../api';
import { app, batch, showError } from '../state.svelte';
import type { ProcessProgress } from '../types';

function begin(total: number) {
  batch.running = true;
  batch.done = 0;
  batch.total = total;
  batch.current = '';
  batch.failures = [];
  batch.summary = null;
  counted = { processed: 0, duplicates: 0, failed: 0 };
}

let counted = { processed: 0, duplicates: 0, failed: 0 };

function progress(p: ProcessProgress) {
  batch.done = p.done;
  batch.total = p.total;
  batch.current = p.file;
  if (p.status === 'failed') {
    batch.failures.push(p);
    counted.failed++;
  } else if (p.status === 'duplicate') counted.duplicates++;
  else counted.processed++;
}

/**
 * Files dropped on the window are processed by the Rust side as soon as they land (it sees
 * the drop first); the UI only shows the batch, from `intake-progress` events.
 */
export function droppedPaths(paths: string[]): void {
  if (paths.length === 0) return;
  begin(paths.length);
  app.screen = 'intake';
}

/** An `intake-progress` event: a dropped batch, or files the hot folder took in. */
export function intakeProgress(p: ProcessProgress): void {
  if (!batch.running) begin(p.total);
  progress(p);
  if (p.done >= p.total) {
    batch.running = false;
    batch.summary = { ...counted, ids: [] };
  }
}

/** Files chosen in the open dialog: processed through `process_paths`, progress over a Channel. */
export async function processPaths(paths: string[]): Promise<void> {
  if (paths.length === 0 || batch.running) return;
  begin(paths.length);
  app.screen = 'intake';
  const channel = new Channel<ProcessProgress>();
  channel.onmessage = progress;
  try {
    batch.summary = await call(commands.processPaths(paths, channel));
  } catch (e) {
    showError(e);
  } finally {
    batch.running = false;
  }
}

export async function openFiles(): Promise<void> {
  try {
    await processPaths(await call(commands.pickFiles()));
  } catch (e) {
    showError(e);
  }
}

export async function openFolder(): Promise<void> {
  try {
    const folder = await call(commands.pickFolder());
    if (folder) await processPaths([folder]);
  } catch (e) {
    showError(e);
  }
}
