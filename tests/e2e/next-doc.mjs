// Measures moving to the next document in the real app in a real window (Xvfb + tauri-driver
// + WebKitWebDriver), first visits and revisits, with a breakdown per command.
//
//   SAPLLM_APP=target/release/sapllm-desktop DISPLAY=:99 node tests/e2e/next-doc.mjs
//
// The sample PDFs are taken in through the hot folder; the first one is opened from the
// queue, then Alt+→ walks the queue (every document shown for the first time), then Alt+←
// walks back (revisits). A transition ends when the other document's page image is decoded
// and its overlay boxes are drawn (the next animation frame after that). Before each key
// press the clerk "looks" at the open document for DWELL_MS (default 800 ms; 0 = press at
// once, the worst case for any prefetch). The UI times every command running during a
// transition (IPC + backend; `window.__sapllmTrace`, see ui/src/api.ts). Prints every transition and the medians and
// maxima; exits 1 when a transition did not finish.
//
// Environment: SAPLLM_APP (required), DISPLAY (required), DWELL_MS, WEBDRIVER_PORT (4455),
// TAURI_DRIVER.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebDriver, sleep } from './webdriver.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const samples = path.join(repo, 'samples');
const app = process.env.SAPLLM_APP;
const port = Number(process.env.WEBDRIVER_PORT || 4455);
const dwell = Number(process.env.DWELL_MS ?? 800);

if (!app || !fs.existsSync(app) || !process.env.DISPLAY) {
  console.error('SAPLLM_APP must name the built app and DISPLAY an X server');
  process.exit(2);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sapllm-nextdoc-data-'));
const inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'sapllm-nextdoc-inbox-'));
fs.writeFileSync(
  path.join(dataDir, 'app.toml'),
  `ocr_model = "off"\nexecution_provider = "cpu"\nhot_folder = ${JSON.stringify(inbox)}\n` +
    `ui_language = "en"\ntheme = "light"\nuser_name = "probe"\n`,
);
const pdfs = fs
  .readdirSync(samples)
  .filter((f) => f.endsWith('.pdf') && !f.startsWith('scanned'))
  .sort();

function sql(query) {
  const out = execFileSync('sqlite3', ['-json', path.join(dataDir, 'sapllm.db'), query], { encoding: 'utf8' });
  return out.trim() === '' ? [] : JSON.parse(out);
}

const cargoBin = path.join(os.homedir(), '.cargo/bin/tauri-driver');
const driverBin = process.env.TAURI_DRIVER || (fs.existsSync(cargoBin) ? cargoBin : 'tauri-driver');
const driver = spawn(driverBin, ['--port', String(port), '--native-port', String(port + 1), '--native-driver', '/usr/bin/WebKitWebDriver'], {
  env: { ...process.env, SAPLLM_DATA_DIR: dataDir, SAPLLM_OCR_MODEL: 'off' },
  stdio: ['ignore', 'ignore', 'inherit'],
});

let wd;
try {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/status`);
      break;
    } catch {
      await sleep(100);
    }
  }
  wd = await WebDriver.start(`http://127.0.0.1:${port}`, { browserName: 'wry', 'tauri:options': { application: app } });
  await wd.waitFor('[data-nav="queue"]');
  for (const f of pdfs) fs.copyFileSync(path.join(samples, f), path.join(inbox, f));
  await wd.waitUntil(
    `${pdfs.length} documents in the store`,
    async () => {
      try {
        return sql('SELECT count(*) AS n FROM documents')[0].n >= pdfs.length;
      } catch {
        return false;
      }
    },
    300000,
  );
  await (await wd.find('button[data-status="all"]')).click();
  await wd.waitFor('tr[data-id]', { timeout: 60000, min: pdfs.length });
  await sleep(1500);
  await (await wd.find('tr[data-id] td:nth-child(3)')).click();
  await wd.waitFor('rect[data-box]', { min: 1 });
  await wd.waitUntil('the page image', () =>
    wd.exec(`const i = document.querySelector('[data-testid="page-viewport"] img'); return !!(i && i.complete && i.naturalWidth > 0);`),
  );

  // Time every command the UI sends (ui/src/api.ts records them into this array).
  await wd.exec('window.__sapllmTrace = [];');

  const navigate = (key) =>
    wd.cmd('POST', '/execute/async', {
      script: `
        const done = arguments[arguments.length - 1];
        const before = document.querySelector('[data-testid="page-viewport"] img')?.src;
        const t0 = performance.now();
        window.dispatchEvent(new KeyboardEvent('keydown', { key: ${JSON.stringify(key)}, altKey: true, bubbles: true }));
        const poll = () => {
          const img = document.querySelector('[data-testid="page-viewport"] img');
          const boxes = document.querySelectorAll('rect[data-box]').length;
          if (img && img.src !== before && img.complete && img.naturalWidth > 0 && boxes > 0) {
            requestAnimationFrame(() => {
              const t1 = performance.now();
              // Commands that were running at any time during the transition.
              const calls = window.__sapllmTrace
                .filter((c) => (c.t1 ?? t1) >= t0 && c.t0 <= t1)
                .map((c) => ({ cmd: c.cmd, ms: Math.round((c.t1 ?? t1) - c.t0), at: Math.round(c.t0 - t0), before: c.t0 < t0 }));
              done({ ms: t1 - t0, calls });
            });
          } else if (performance.now() - t0 > 10000) {
            done({ ms: -1, calls: [] });
          } else {
            requestAnimationFrame(poll);
          }
        };
        poll();`,
      args: [],
    });

  const walk = async (key, label) => {
    const out = [];
    for (let i = 0; i < pdfs.length - 1; i++) {
      if (dwell > 0) await sleep(dwell);
      const r = await navigate(key);
      // Commands with their duration; moments (document-set, image-loaded) with their time.
      const calls = r.calls
        .map((c) => (c.cmd.includes('-') ? `${c.cmd}@${c.at}` : `${c.cmd}${c.before ? '(started before)' : ''} ${c.ms}`))
        .join(', ');
      console.log(`${label} ${i + 1}: ${Math.round(r.ms)} ms  [${calls}]`);
      out.push(r.ms);
    }
    return out;
  };
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    return `n=${s.length} median ${Math.round(median)} ms, max ${Math.round(s[s.length - 1])} ms, min ${Math.round(s[0])} ms`;
  };
  const first = await walk('ArrowRight', 'first visit');
  const again = await walk('ArrowLeft', 'revisit');
  console.log(`dwell ${dwell} ms before each key press`);
  console.log(`first visits: ${stats(first)}`);
  console.log(`revisits:     ${stats(again)}`);
  if ([...first, ...again].some((x) => x < 0)) process.exitCode = 1;
} finally {
  if (wd) await wd.quit();
  driver.kill();
}
