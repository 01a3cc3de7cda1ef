// Starting a batch: used by the drop handler (anywhere on the window) and the Intake screen.

import { Channel, call, commands } from '../api';
import { app, batch, showError } from '../state.svelte';
import type { ProcessProgress } from '../types';

export async function processPaths(paths: string[]): Promise<void> {
  if (paths.length === 0 || batch.running) return;
  batch.running = true;
  batch.done = 0;
  batch.total = paths.length;
  batch.current = '';
  batch.failures = [];
  batch.summary = null;
  app.screen = 'intake';
  const channel = new Channel<ProcessProgress>();
  channel.onmessage = (p) => {
    batch.done = p.done;
    batch.total = p.total;
    batch.current = p.file;
    if (p.status === 'failed') batch.failures.push(p);
  };
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
