import { describe, expect, it } from 'vitest';
import { callsOf, key, startApp, waitFor } from './test/harness';

describe('intake', () => {
  it('processes the picked files and shows progress from the channel with per-file failures', async () => {
    const { target, backend } = startApp();
    await waitFor(() => target.querySelectorAll('tbody tr').length === 3);
    key(window, '2', { altKey: true });
    const open = (await waitFor(() => target.querySelector('[data-testid="open-files"]'))) as HTMLButtonElement;
    open.click();
    const summary = await waitFor(() => target.querySelector('[data-testid="batch-summary"]'));
    expect(summary.textContent!.trim()).toBe('2 processed, 0 already known, 1 failed');
    expect(callsOf(backend, 'process_paths')[0].args.paths).toHaveLength(3);
    const failures = target.querySelector('[data-testid="batch-failures"]')!;
    expect(failures.textContent).toContain('/home/clerk/Inbox/kaputt.pdf');
    expect(failures.textContent).toContain('not a PDF');
    expect((target.querySelector('progress') as HTMLProgressElement).value).toBe(3);
  });

  it('opens the shortcut sheet on ? and closes it with Esc', async () => {
    const { target } = startApp();
    await waitFor(() => target.querySelectorAll('tbody tr').length === 3);
    key(window, '?');
    const sheet = await waitFor(() => document.querySelector('[data-testid="shortcut-sheet"]'));
    expect(sheet.textContent).toContain('Next field, lowest confidence first');
    key(document.activeElement ?? window, 'Escape');
    await waitFor(() => !document.querySelector('[data-testid="shortcut-sheet"]'));
  });
});
