// End-to-end test of the real app in a real window: tauri-driver starts the built binary
// (under Xvfb, through Debian's WebKitWebDriver) on a fresh data folder. A sample invoice
// arrives through the app's intake (the hot folder), is opened, shows its fields and overlay
// boxes, one field is corrected by clicking a word on the page image, the invoice is
// approved; the store (SQLite, read with the sqlite3 tool) must then hold the correction and
// the approval. Screenshots of the queue, the review screen and the settings are written to
// docs/screenshots/. Timings are printed (not asserted).
//
// Environment: SAPLLM_APP (the built binary, required), DISPLAY (an X server), optional
// TAURI_DRIVER (default: tauri-driver on PATH or in ~/.cargo/bin), SCREENSHOTS (default
// docs/screenshots), WEBDRIVER_PORT (default 4444).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebDriver, sleep } from './webdriver.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const samples = path.join(repo, 'samples');
const shots = path.resolve(process.env.SCREENSHOTS || path.join(repo, 'docs/screenshots'));
const app = process.env.SAPLLM_APP;
const port = Number(process.env.WEBDRIVER_PORT || 4444);
// A German invoice with two VAT rates and no purchase order: the SAP mapping below maps it.
const SAMPLE = 'invoice-de-two-vat-rates.pdf';
const SECOND = 'invoice-en-minimal.pdf';
const USER = 'e2e-clerk';

let driverProc;
let driverLog;
let wd;
let dataDir;
let inbox;

function tauriDriver() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const cargoBin = path.join(os.homedir(), '.cargo/bin/tauri-driver');
  return fs.existsSync(cargoBin) ? cargoBin : 'tauri-driver';
}

function sql(query) {
  const out = execFileSync('sqlite3', ['-json', path.join(dataDir, 'sapllm.db'), query], { encoding: 'utf8' });
  return out.trim() === '' ? [] : JSON.parse(out);
}

async function waitForPort() {
  const end = Date.now() + 20000;
  while (Date.now() < end) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/status`);
      if (r.ok || r.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error('tauri-driver did not start');
}

/** The real window as X shows it (ImageMagick's import), else WebDriver's screenshot. */
async function shot(name) {
  fs.mkdirSync(shots, { recursive: true });
  const file = path.join(shots, name);
  try {
    execFileSync('import', ['-display', process.env.DISPLAY, '-window', 'root', file], { stdio: 'ignore' });
  } catch {
    fs.writeFileSync(file, await wd.screenshot());
  }
}

/** Time from pressing Alt+`key` in the review screen until the other document's page image
 * is decoded and its overlay boxes are drawn (measured in the page). */
async function navigate(key) {
  return wd.cmd('POST', '/execute/async', {
    script: `
      const done = arguments[arguments.length - 1];
      const before = document.querySelector('[data-testid="page-viewport"] img')?.src;
      const t0 = performance.now();
      window.dispatchEvent(new KeyboardEvent('keydown', { key: ${JSON.stringify(key)}, altKey: true, bubbles: true }));
      const poll = () => {
        const img = document.querySelector('[data-testid="page-viewport"] img');
        const boxes = document.querySelectorAll('rect[data-box]').length;
        if (img && img.src !== before && img.complete && img.naturalWidth > 0 && boxes > 0) {
          requestAnimationFrame(() => done(performance.now() - t0));
        } else if (performance.now() - t0 > 10000) {
          done(-1);
        } else {
          requestAnimationFrame(poll);
        }
      };
      poll();`,
    args: [],
  });
}

before(async () => {
  assert.ok(app && fs.existsSync(app), `SAPLLM_APP must name the built app binary (got ${app})`);
  assert.ok(process.env.DISPLAY, 'DISPLAY must name an X server (e.g. Xvfb :99)');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sapllm-e2e-data-'));
  inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'sapllm-e2e-inbox-'));
  // The app's settings: the hot folder is the intake this test uses (a person would drop the
  // file on the window or pick it in the open dialog; WebDriver can do neither).
  fs.writeFileSync(
    path.join(dataDir, 'app.toml'),
    `ocr_model = "off"\nexecution_provider = "cpu"\nhot_folder = ${JSON.stringify(inbox)}\n` +
      `ui_language = "en"\ntheme = "light"\nuser_name = "${USER}"\n`,
  );
  // SAP mapping for the sample's supplier and VAT rates; the system itself is unreachable
  // (approval only queues the posting in the outbox).
  fs.writeFileSync(
    path.join(dataDir, 'sap.toml'),
    `profile = "default"

[connection]
base_url = "http://127.0.0.1:9"
company_code = "1010"
timeout_secs = 2

[connection.auth]
method = "basic"
user = "E2E"

[mapping]
company_code = "1010"
default_gl_account = "0000610000"
posting_date = "today"
long_reference = "block"
tax_is_calculated_automatically = false

[[mapping.tax_codes]]
rate = "19"
tax_code = "V1"

[[mapping.tax_codes]]
rate = "7"
tax_code = "V2"

[[mapping.suppliers]]
supplier = "17300002"
vat_id = "DE128202662"

[[mapping.suppliers]]
supplier = "17300001"
vat_id = "DE189391423"
`,
  );
  // The driver, WebKitWebDriver and the app get a process group of their own and write to a
  // file, not to this test's pipes: a process that outlives the test (the app once survived
  // tauri-driver's SIGTERM) must neither keep the test runner's pipes open nor the run waiting.
  driverLog = path.join(dataDir, 'driver.log');
  const logFd = fs.openSync(driverLog, 'a');
  driverProc = spawn(tauriDriver(), ['--port', String(port), '--native-driver', '/usr/bin/WebKitWebDriver'], {
    env: { ...process.env, SAPLLM_DATA_DIR: dataDir, SAPLLM_OCR_MODEL: 'off', RUST_LOG: 'info' },
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  fs.closeSync(logFd);
  await waitForPort();
});

after(async () => {
  if (wd) await wd.quit();
  if (driverProc) await stopProcessGroup(driverProc.pid);
  if (driverLog && fs.existsSync(driverLog)) {
    for (const line of fs.readFileSync(driverLog, 'utf8').split('\n')) if (line) console.log(`app: ${line}`);
  }
});

/** SIGTERM to the whole group, SIGKILL to what is left after 3 s. */
async function stopProcessGroup(pgid) {
  const signal = (s) => {
    try {
      process.kill(-pgid, s);
      return true;
    } catch {
      return false; // no process left in the group
    }
  };
  if (!signal('SIGTERM')) return;
  for (let i = 0; i < 30; i++) {
    await sleep(100);
    if (!signal(0)) return;
  }
  signal('SIGKILL');
}

test('a clerk takes in an invoice, corrects a field by clicking a word and approves it', async () => {
  // Cold start: from asking for the window to the queue on screen.
  const t0 = performance.now();
  wd = await WebDriver.start(`http://127.0.0.1:${port}`, {
    browserName: 'wry',
    'tauri:options': { application: app },
  });
  await wd.waitFor('[data-nav="queue"]');
  await wd.waitFor('[data-status]');
  console.log(`measure: window + queue on screen ${Math.round(performance.now() - t0)} ms after launch (debug or release as built)`);

  // Intake through the hot folder: the file appears, the queue fills by itself.
  fs.copyFileSync(path.join(samples, SAMPLE), path.join(inbox, SAMPLE));
  fs.copyFileSync(path.join(samples, SECOND), path.join(inbox, SECOND));
  // Both are taken in; the queue opens on "to review", and a clean digital invoice may go
  // straight to "ready to post" (confident values, nothing to check), so wait for the store.
  const rows = await wd.waitFor('tr[data-id]', { timeout: 60000, min: 1 });
  assert.ok(rows.length >= 1);
  await wd.waitUntil('both documents in the store', () =>
    sql('SELECT hash FROM documents').length === 2,
  );
  // The "all" filter shows both (moving between documents below needs two in the list).
  await (await wd.find('button[data-status="all"]')).click();
  const all = await wd.waitFor('tr[data-id]', { timeout: 30000, min: 2 });
  assert.equal(all.length, 2);
  await sleep(500);
  await shot('queue.png');

  const docs = sql(`SELECT d.hash, d.status, s.file_name FROM documents d JOIN document_sources s ON s.document_hash = d.hash`);
  const doc = docs.find((d) => d.file_name === SAMPLE);
  assert.ok(doc, `the sample is in the store: ${JSON.stringify(docs)}`);
  assert.equal(doc.status, 'to_review');

  // Open it: fields with values and an overlay box per located value.
  const cell = await wd.find(`tr[data-id="${doc.hash}"] td:nth-child(3)`);
  await cell.click();
  await wd.waitFor('input[data-field]', { min: 20 });
  const boxes = await wd.waitFor('rect[data-box]', { min: 5 });
  assert.ok(boxes.length >= 5, `overlay boxes: ${boxes.length}`);
  const words = await wd.waitFor('rect[data-word]', { min: 20 });
  assert.ok(words.length >= 20);
  await wd.waitUntil('the page image', () =>
    wd.exec(`const i = document.querySelector('[data-testid="page-viewport"] img'); return !!(i && i.complete && i.naturalWidth > 0);`),
  );
  // Moving between documents (Alt+← / Alt+→): page image and overlays of the other one.
  let keys = ['ArrowLeft', 'ArrowRight'];
  let there = await navigate(keys[0]);
  if (there < 0) {
    // The sample is the first document: the other one is next, not previous.
    keys = keys.reverse();
    there = await navigate(keys[0]);
  }
  const back = await navigate(keys[1]);
  console.log(`measure: other document page + overlays ${Math.round(there)} ms, back ${Math.round(back)} ms`);
  await wd.waitUntil('the sample open again', async () =>
    (await wd.exec(`return document.body.innerText.includes(${JSON.stringify(SAMPLE)});`)),
  );
  await wd.waitFor('rect[data-word]', { min: 20 });
  const numberInput = await wd.find('input[data-field="invoice_number"]');
  const number = await numberInput.prop('value');
  assert.ok(number && number.length > 3, `invoice number shown: ${number}`);

  // Focusing a field marks its source words on the page and opens the why panel.
  await numberInput.click();
  const sourceWords = await wd.waitFor('rect.word.source');
  const wordIndex = Number(await sourceWords[0].attr('data-word'));
  await wd.waitFor('[data-testid="why-panel"]');
  await wd.waitFor('[data-testid="why-source"]');
  await sleep(300);
  await shot('review.png');

  // The correction: the buyer reference is set by clicking that word on the page.
  const wordText = await wd.exec(
    `return document.querySelector('rect[data-word="${wordIndex}"] title')?.textContent ?? null;`,
  );
  const target = await wd.find('input[data-field="buyer_reference"]');
  await target.click();
  const word = await wd.find(`rect[data-word="${wordIndex}"]`);
  await word.clickShape();
  await wd.waitFor('[data-testid="corrections"] li');
  await wd.waitUntil('the corrected value', async () => (await target.prop('value')) === wordText);

  // Approve with the dialog.
  await (await wd.find('[data-testid="approve"]')).click();
  await wd.waitFor('[data-testid="action-dialog"]');
  await (await wd.find('[data-testid="dialog-confirm"]')).click();
  await wd.waitUntil('the approved status', async () => {
    const [s] = sql(`SELECT status FROM documents WHERE hash = '${doc.hash}'`);
    return s && s.status === 'approved';
  });

  // The store: the correction with its source words and box, the audit events, the outbox.
  const corrections = sql(
    `SELECT target_json, old_value, new_value, source_json, user_name, result_version FROM corrections WHERE document_hash = '${doc.hash}'`,
  );
  assert.equal(corrections.length, 1, JSON.stringify(corrections));
  const c = corrections[0];
  assert.deepEqual(JSON.parse(c.target_json), { kind: 'header', field: 'buyer_reference' });
  assert.equal(c.new_value, wordText);
  assert.equal(c.user_name, USER);
  const source = JSON.parse(c.source_json);
  assert.equal(source.kind, 'words');
  assert.deepEqual(source.words, [wordIndex]);
  assert.ok(source.bbox.x1 > source.bbox.x0, JSON.stringify(source));
  assert.equal(c.result_version, 2);
  const audit = sql(`SELECT actor, action, detail_json FROM audit_events WHERE document_hash = '${doc.hash}' ORDER BY id`);
  const corrected = audit.find((a) => a.action === 'corrected');
  assert.ok(corrected, JSON.stringify(audit));
  assert.equal(corrected.actor, USER);
  assert.equal(JSON.parse(corrected.detail_json).field, 'buyer_reference');
  const approved = audit.filter((a) => a.action === 'status_changed' && JSON.parse(a.detail_json).to === 'approved');
  assert.equal(approved.length, 1, JSON.stringify(audit));
  assert.equal(approved[0].actor, USER);
  const outbox = sql(`SELECT state FROM outbox WHERE document_hash = '${doc.hash}'`);
  assert.equal(outbox.length, 1);

  // Settings screen.
  await (await wd.find('[data-nav="settings"]')).click();
  await wd.waitFor('[data-testid="save-settings"]');
  const userName = await (await wd.find('[data-testid="user-name"]')).prop('value');
  assert.equal(userName, USER);
  // The environment sets the OCR model for this run: the screen says so.
  await wd.waitFor('[data-testid="overridden"]');
  await sleep(300);
  await shot('settings.png');

  // Saving stores the settings the engine reads (OCR threads in app.toml, the review
  // threshold in pipeline.toml), applied to the next documents without a restart.
  const threads = await wd.find('[data-testid="ocr-threads"]');
  await threads.clear();
  await threads.type('2');
  await (await wd.find('[data-testid="save-settings"]')).click();
  await wd.waitUntil('ocr_threads stored in app.toml', () =>
    /ocr_threads = 2/.test(fs.readFileSync(path.join(dataDir, 'app.toml'), 'utf8')),
  );
});
