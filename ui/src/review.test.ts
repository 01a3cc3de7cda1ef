import { describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { callsOf, fixture, ids, key, startApp, typeInto, waitFor } from './test/harness';
import { openDocument } from './state.svelte';
import { tabOrder } from './format';

async function openMinimal() {
  const started = startApp();
  await waitFor(() => started.target.querySelectorAll('tbody tr').length === 3);
  openDocument(ids.minimal);
  await waitFor(() => started.target.querySelector('[data-field="invoice_number"]'));
  return started;
}

const doc = () => fixture.documents[ids.minimal];
const field = (k: string) => doc().fields.find((f: any) => f.key === k);

describe('review screen', () => {
  it('positions an overlay box for every field and cell from its bbox, scaled by rendered width / page width', async () => {
    const { target } = await openMinimal();
    const page = doc().pages[0];
    const sheet = target.querySelector('.sheet') as HTMLElement;
    const renderedWidth = parseFloat(sheet.style.width);
    const scale = renderedWidth / page.width;
    expect(Number(sheet.dataset.scale)).toBeCloseTo(scale, 6);

    const withBoxes = doc().fields.filter((f: any) => f.bbox && f.page === 0 && f.value != null);
    const cells = doc().line_items.flatMap((l: any) => l.cells.filter((c: any) => c.bbox));
    expect(target.querySelectorAll('rect.box').length).toBe(withBoxes.length + cells.length);

    const inv = field('invoice_number');
    const rect = target.querySelector('[data-box="h:invoice_number"]')!;
    expect(Number(rect.getAttribute('x'))).toBeCloseTo(inv.bbox.x * scale - 2, 3);
    expect(Number(rect.getAttribute('y'))).toBeCloseTo(inv.bbox.y * scale - 2, 3);
    expect(Number(rect.getAttribute('width'))).toBeCloseTo(inv.bbox.w * scale + 4, 3);
    // Coloured by confidence: 0.85 is amber, 0.99 green, 0.55 red.
    expect(rect.classList.contains('medium')).toBe(true);
    expect(target.querySelector('[data-box="h:iban"]')!.classList.contains('high')).toBe(true);
    expect(target.querySelector('[data-box="h:payment_terms"]')!.classList.contains('low')).toBe(true);

    // Zooming scales the boxes with the page.
    key(window, 'Escape'); // leave the text box first: letter shortcuts work outside it
    await waitFor(() => target.querySelector('tbody tr'));
  });

  it('zoom keys rescale boxes', async () => {
    const { target } = await openMinimal();
    (document.activeElement as HTMLElement).blur();
    const x1 = Number(target.querySelector('[data-box="h:invoice_number"]')!.getAttribute('x'));
    key(window, '+');
    const x2 = Number(target.querySelector('[data-box="h:invoice_number"]')!.getAttribute('x'));
    expect((x2 + 2) / (x1 + 2)).toBeCloseTo(1.25, 2);
    expect(target.querySelector('[data-testid="zoom"]')!.textContent).toBe('125%');
  });

  it('hovering a box highlights its field and hovering a field highlights its box', async () => {
    const { target } = await openMinimal();
    const rect = target.querySelector('[data-box="h:iban"]')!;
    rect.dispatchEvent(new MouseEvent('mouseenter'));
    flushSync();
    expect(target.querySelector('[data-row="iban"]')!.classList.contains('hover')).toBe(true);
    rect.dispatchEvent(new MouseEvent('mouseleave'));
    target.querySelector('[data-row="bic"]')!.dispatchEvent(new MouseEvent('mouseenter'));
    flushSync();
    expect(target.querySelector('[data-box="h:bic"]')!.classList.contains('hover')).toBe(true);
    expect(target.querySelector('[data-row="iban"]')!.classList.contains('hover')).toBe(false);
  });

  it('Tab walks the fields lowest confidence first, starting on the weakest', async () => {
    const { target } = await openMinimal();
    const order = tabOrder(doc().fields);
    // Fixture check: the weakest values of invoice-en-minimal.pdf.
    expect(order.slice(0, 3)).toEqual(['payment_terms', 'seller_tax_number', 'seller_name']);
    const active = () => (document.activeElement as HTMLElement | null)?.dataset.field;
    await waitFor(() => active() === 'payment_terms');
    const visited = [active()];
    for (let i = 0; i < 5; i++) {
      key(document.activeElement!, 'Tab');
      visited.push(active());
    }
    expect(visited).toEqual(order.slice(0, 6));
    key(document.activeElement!, 'Tab', { shiftKey: true });
    expect(active()).toBe(order[4]);
    // The focused field's box is the highlighted one.
    expect(target.querySelector(`[data-box="h:${order[4]}"]`)!.classList.contains('focused')).toBe(true);
  });

  it('Enter sends a confirmed correction for the focused field and moves on', async () => {
    const { target, backend } = await openMinimal();
    await waitFor(() => (document.activeElement as HTMLElement)?.dataset.field === 'payment_terms');
    key(document.activeElement!, 'Enter');
    const c = await waitFor(() => callsOf(backend, 'correct')[0]);
    expect(c.args).toEqual({
      id: ids.minimal,
      request: {
        target: { kind: 'header', field: 'payment_terms' },
        value: field('payment_terms').value,
        source: { kind: 'confirmed' },
      },
    });
    await waitFor(() => (document.activeElement as HTMLElement)?.dataset.field === 'seller_tax_number');
    // The answer is the new document: the field is now the user's, at full confidence.
    expect(target.querySelector('[data-row="payment_terms"]')!.classList.contains('high')).toBe(true);
  });

  it('typing replaces the value and Enter sends it as typed', async () => {
    const { target, backend } = await openMinimal();
    const input = target.querySelector('[data-field="invoice_number"]') as HTMLInputElement;
    input.focus();
    flushSync();
    typeInto(input, 'INV-928047');
    key(input, 'Enter');
    const c = await waitFor(() => callsOf(backend, 'correct')[0]);
    expect(c.args.request).toEqual({
      target: { kind: 'header', field: 'invoice_number' },
      value: 'INV-928047',
      source: { kind: 'typed' },
    });
    await waitFor(() => target.querySelector('[data-testid="corrections"]')?.textContent?.includes('928047 → INV-928047'));
  });

  it('clicking a word on the page assigns it to the focused field as a words correction', async () => {
    const { target, backend } = await openMinimal();
    const input = target.querySelector('[data-field="invoice_number"]') as HTMLInputElement;
    input.focus();
    flushSync();
    // Some other word of the page, e.g. the buyer's name's first word.
    const words = fixture.words[ids.minimal][0];
    const word = words.find((w: any) => w.text === 'Lindner');
    await waitFor(() => target.querySelector(`[data-word="${word.index}"]`));
    (target.querySelector(`[data-word="${word.index}"]`) as SVGElement).dispatchEvent(
      new MouseEvent('click', { bubbles: true }),
    );
    const c = await waitFor(() => callsOf(backend, 'correct')[0]);
    expect(c.args.request).toEqual({
      target: { kind: 'header', field: 'invoice_number' },
      value: 'Lindner',
      source: { kind: 'words', page: 0, words: [word.index] },
    });
    await waitFor(() => (target.querySelector('[data-field="invoice_number"]') as HTMLInputElement).value === 'Lindner');
    // The box moved to the word.
    const rect = target.querySelector('[data-box="h:invoice_number"]')!;
    const scale = Number((target.querySelector('.sheet') as HTMLElement).dataset.scale);
    expect(Number(rect.getAttribute('x'))).toBeCloseTo(word.bbox.x * scale - 2, 3);
  });

  it('the why panel shows source, producer, alternatives and findings; picking an alternative corrects', async () => {
    const { target, backend } = await openMinimal();
    const input = target.querySelector('[data-field="seller_name"]') as HTMLInputElement;
    input.focus();
    flushSync();
    const why = target.querySelector('[data-testid="why-panel"]')!;
    expect(why.querySelector('[data-testid="why-source"]')!.textContent).toBe('PDF text layer');
    expect(why.querySelector('[data-testid="why-producer"]')!.textContent).toBe('rules.layout 1');
    expect(why.querySelector('[data-testid="why-confidence"]')!.textContent).toBe('71%');
    await waitFor(() => why.querySelector('[data-testid="why-words"]')?.textContent === 'Hofmann Kältetechnik GmbH & Co. KG');
    const alts = why.querySelector('[data-testid="why-alternatives"]')!;
    expect(alts.textContent).toContain('Volksbank Rheintal eG');
    expect(alts.textContent).toContain('45%');
    expect(why.querySelector('[data-testid="why-findings"]')!.textContent).toContain(
      'seller_name has confidence 0.71; automatic approval needs 0.85',
    );
    (alts.querySelector('button') as HTMLButtonElement).click();
    const c = await waitFor(() => callsOf(backend, 'correct')[0]);
    expect(c.args.request.value).toBe('Volksbank Rheintal eG');
    expect(c.args.request.source.kind).toBe('region');
  });

  it('ArrowDown reaches the alternatives from the keyboard; Enter picks one', async () => {
    const { target, backend } = await openMinimal();
    const input = target.querySelector('[data-field="seller_name"]') as HTMLInputElement;
    input.focus();
    flushSync();
    key(input, 'ArrowDown');
    const alt = document.activeElement as HTMLButtonElement;
    expect(alt.closest('[data-testid="why-alternatives"]')).not.toBeNull();
    key(alt, 'Escape');
    expect((document.activeElement as HTMLElement).dataset.field).toBe('seller_name');
    key(document.activeElement!, 'ArrowDown');
    (document.activeElement as HTMLButtonElement).click(); // Enter on a button clicks it
    const c = await waitFor(() => callsOf(backend, 'correct')[0]);
    expect(c.args.request.target).toEqual({ kind: 'header', field: 'seller_name' });
    expect(c.args.request.value).toBe('Volksbank Rheintal eG');
  });

  it('checks values as you type and shows the message inline', async () => {
    const { target, backend } = await openMinimal();
    const iban = target.querySelector('[data-field="iban"]') as HTMLInputElement;
    iban.focus();
    typeInto(iban, 'DE12 8098 2972 1532 4401 89');
    const msg = await waitFor(() => target.querySelector('[data-testid="check-iban"]'));
    expect(msg.textContent).toBe('IBAN checksum is wrong');
    expect(callsOf(backend, 'check_value').at(-1)!.args).toEqual({ field: 'iban', value: 'DE12 8098 2972 1532 4401 89' });
    typeInto(iban, 'DE12 8098 2972 1532 4401 88');
    await waitFor(() => !target.querySelector('[data-testid="check-iban"]'));
    const date = target.querySelector('[data-field="issue_date"]') as HTMLInputElement;
    date.focus();
    typeInto(date, '31.02.x');
    await waitFor(() => target.querySelector('[data-testid="check-issue_date"]')?.textContent === 'not a date');
  });

  it('approves with a comment from the keyboard and moves to the next document', async () => {
    const { target, backend } = await openMinimal();
    key(document.activeElement!, 'Enter', { ctrlKey: true });
    const dialog = await waitFor(() => target.querySelector('[data-testid="action-dialog"]'));
    const box = dialog.querySelector('textarea') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(box);
    box.value = 'checked against the delivery';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    key(box, 'Enter');
    const c = await waitFor(() => callsOf(backend, 'approve')[0]);
    expect(c.args).toEqual({ id: ids.minimal, comment: 'checked against the delivery' });
    expect(backend.documents[ids.minimal].status).toBe('approved');
  });

  it('reject needs a comment', async () => {
    const { target, backend } = await openMinimal();
    (document.activeElement as HTMLElement).blur();
    key(window, 'r');
    const dialog = await waitFor(() => target.querySelector('[data-testid="action-dialog"]'));
    key(dialog.querySelector('textarea')!, 'Enter');
    expect(dialog.querySelector('[role="alert"]')!.textContent).toBe('A reason is required to reject.');
    expect(callsOf(backend, 'reject')).toHaveLength(0);
  });

  it('line items: edit a cell, add, split and delete lines', async () => {
    const { target, backend } = await openMinimal();
    const cell = target.querySelector('[data-cell="c:0:quantity"]') as HTMLInputElement;
    cell.focus();
    typeInto(cell, '2');
    key(cell, 'Enter');
    const c = await waitFor(() => callsOf(backend, 'correct')[0]);
    expect(c.args.request).toEqual({
      target: { kind: 'line_cell', line: 0, key: 'quantity' },
      value: '2',
      source: { kind: 'typed' },
    });
    const lines = () => target.querySelectorAll('tr[data-line]').length;
    const before = lines();
    (target.querySelector('[aria-label="Split line 1"]') as HTMLButtonElement).click();
    await waitFor(() => lines() === before + 1);
    (target.querySelector('[aria-label="Delete line 2"]') as HTMLButtonElement).click();
    await waitFor(() => lines() === before);
    expect(callsOf(backend, 'correct').map((x) => x.args.request.target.kind)).toEqual(['line_cell', 'line_split', 'line_delete']);
  });
});

describe('i18n', () => {
  it('switches the whole UI to German from the settings', async () => {
    const { target, backend } = startApp();
    await waitFor(() => target.querySelectorAll('tbody tr').length === 3);
    expect(target.querySelector('[data-nav="queue"]')!.textContent!.trim()).toBe('Queue');
    key(window, '3', { altKey: true });
    const lang = (await waitFor(() => target.querySelector('[data-testid="language"]'))) as HTMLSelectElement;
    lang.value = 'de';
    lang.dispatchEvent(new Event('change', { bubbles: true }));
    // happy-dom does not submit a form from its submit button; Chromium does (Playwright test).
    target.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await waitFor(() => target.querySelector('[data-nav="queue"]')!.textContent!.trim() === 'Eingang');
    expect(backend.settings.ui_language).toBe('de');
    expect(target.querySelector('legend')!.textContent).toBe('Allgemein');
    expect(document.documentElement.lang).toBe('de');
    key(window, '1', { altKey: true });
    await waitFor(() => target.querySelector('[data-status="to_review"]')?.textContent?.includes('Zu prüfen'));
    // Amounts in German notation.
    await waitFor(() => target.querySelector('tbody .c-amount')?.textContent?.match(/\d\.\d{3},\d{2}/));
  });

  it('starts in German when the settings say so', async () => {
    const { target } = startApp({ language: 'de' });
    await waitFor(() => target.querySelector('[data-nav="settings"]')!.textContent!.trim() === 'Einstellungen');
  });
});

describe('moving on fast', () => {
  it('warms the likely next document in Rust: the selected row after the queue loads, the next one when a document opens', async () => {
    const { target, backend } = startApp();
    await waitFor(() => target.querySelectorAll('tbody tr').length === 3);
    const rows = [...target.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-id'));
    await waitFor(() => callsOf(backend, 'prefetch_document').length >= 1);
    expect(callsOf(backend, 'prefetch_document')[0].args.id).toBe(rows[0]);
    const width = callsOf(backend, 'prefetch_document')[0].args.widthPx;
    expect(width % 400).toBe(0);

    openDocument(rows[0]!);
    await waitFor(() => target.querySelector('[data-field="invoice_number"]'));
    await waitFor(() => callsOf(backend, 'prefetch_document').some((c) => c.args.id === rows[1]));
    // Then the screen takes the warmed view, page image (same width) and words of that one.
    await waitFor(() => callsOf(backend, 'page_words').some((c) => c.args.id === rows[1]));
    expect(callsOf(backend, 'page_image').some((c) => c.args.id === rows[1] && c.args.widthPx === width)).toBe(true);
    expect(callsOf(backend, 'document').some((c) => c.args.id === rows[1])).toBe(true);
  });
});

describe('settings', () => {
  it('a new data folder is saved for the next start and says so; OCR threads are saved', async () => {
    const { target, backend } = startApp();
    await waitFor(() => target.querySelectorAll('tbody tr').length === 3);
    key(window, '3', { altKey: true });
    const threads = (await waitFor(() => target.querySelector('[data-testid="ocr-threads"]'))) as HTMLInputElement;
    expect(target.querySelector('[data-testid="restart-note"]')).toBeNull();
    typeInto(threads, '2');
    const choose = target.querySelector('[data-testid="data-dir"]')!.parentElement!.querySelector('button')!;
    choose.click();
    await waitFor(() => target.querySelector('[data-testid="restart-note"]'));
    expect((target.querySelector('[data-testid="data-dir"]') as HTMLInputElement).value).toBe('/home/clerk/Scans');
    expect(target.querySelector('[data-testid="restart-note"]')!.textContent).toContain('/home/clerk/.local/share/sapllm');
    target.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await waitFor(() => callsOf(backend, 'save_settings').length === 1);
    const sent = callsOf(backend, 'save_settings')[0].args.settings;
    expect(sent.data_dir_on_restart).toBe('/home/clerk/Scans');
    expect(sent.ocr_threads).toBe(2);
    expect(sent.data_dir).toBe('/home/clerk/.local/share/sapllm');
  });
});
