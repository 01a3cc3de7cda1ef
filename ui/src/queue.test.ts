import { describe, expect, it } from 'vitest';
import { callsOf, key, startApp, typeInto, waitFor } from './test/harness';

function rowTexts(target: HTMLElement) {
  return Array.from(target.querySelectorAll('tbody tr')).map((tr) => tr.querySelector('.supplier')?.textContent?.trim());
}

describe('queue', () => {
  it('shows counts per status and filters by status', async () => {
    const { target, backend } = startApp();
    // Starts on "to review": three of the four fixture documents.
    await waitFor(() => target.querySelectorAll('tbody tr').length === 3);
    const count = (s: string) => target.querySelector(`[data-status="${s}"] .count`)?.textContent;
    expect(count('all')).toBe('4');
    expect(count('to_review')).toBe('3');
    expect(count('ready_to_post')).toBe('1');
    expect(count('rejected')).toBe('0');

    (target.querySelector('[data-status="ready_to_post"]') as HTMLButtonElement).click();
    await waitFor(() => target.querySelectorAll('tbody tr').length === 1);
    expect(rowTexts(target)).toEqual(['Nordlicht Medien e.K.']);
    expect(callsOf(backend, 'queue').at(-1)!.args.query.status).toBe('ready_to_post');

    // The number keys pick filters too: 1 = all.
    key(window, '1');
    await waitFor(() => target.querySelectorAll('tbody tr').length === 4);
    expect(callsOf(backend, 'queue').at(-1)!.args.query.status).toBeNull();
  });

  it('searches and sorts', async () => {
    const { target, backend } = startApp();
    await waitFor(() => target.querySelectorAll('tbody tr').length === 3);
    key(window, '1');
    await waitFor(() => target.querySelectorAll('tbody tr').length === 4);

    const search = target.querySelector('input.search') as HTMLInputElement;
    typeInto(search, 'moulin');
    await waitFor(() => target.querySelectorAll('tbody tr').length === 1);
    expect(rowTexts(target)).toEqual(['Moulin Conseil EURL']);
    expect(callsOf(backend, 'queue').at(-1)!.args.query.search).toBe('moulin');

    typeInto(search, '');
    await waitFor(() => target.querySelectorAll('tbody tr').length === 4);

    // Amount column header: sorts by amount, largest first; again: smallest first.
    const amountHeader = Array.from(target.querySelectorAll('th button')).find((b) => b.textContent === 'Amount') as HTMLButtonElement;
    amountHeader.click();
    await waitFor(() => callsOf(backend, 'queue').at(-1)!.args.query.sort === 'amount');
    await waitFor(() => target.querySelector('tbody tr .c-amount')?.textContent?.includes('20,600.11'));
    const amounts = () => Array.from(target.querySelectorAll('tbody .c-amount')).map((td) => td.textContent!.replace(/\s+/g, ' ').trim());
    expect(amounts()).toEqual(['20,600.11 EUR', '8,024.00 EUR', '6,346.00 EUR', '3,870.31 EUR']);
    amountHeader.click();
    await waitFor(() => amounts()[0] === '3,870.31 EUR');
  });

  it('moves with j/k and opens the selected document with Enter', async () => {
    const { target } = startApp();
    await waitFor(() => target.querySelectorAll('tbody tr').length === 3);
    const selected = () => target.querySelector('tbody tr.selected')?.getAttribute('data-row');
    expect(selected()).toBe('0');
    key(window, 'j');
    expect(selected()).toBe('1');
    key(window, 'ArrowDown');
    expect(selected()).toBe('2');
    key(window, 'k');
    expect(selected()).toBe('1');
    const id = target.querySelector('tbody tr.selected')!.getAttribute('data-id');
    key(window, 'Enter');
    await waitFor(() => target.querySelector('[data-field="invoice_number"]'));
    const doc = (await import('./test/harness')).fixture.documents[id!];
    expect(target.querySelector('.review')?.getAttribute('aria-label')).toBe(doc.file_name);
  });
});
