// A minimal W3C WebDriver client over fetch: just what the end-to-end test needs. Spoken to
// tauri-driver, which starts the app and forwards to WebKitWebDriver.

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriver {
  constructor(base, sessionId) {
    this.base = base;
    this.sessionId = sessionId;
  }

  static async start(base, capabilities) {
    const r = await request(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    return new WebDriver(base, r.sessionId);
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.sessionId}${path}`, body);
  }

  async quit() {
    try {
      await request(this.base, 'DELETE', `/session/${this.sessionId}`, undefined, 10000);
    } catch {
      // The app may already be gone.
    }
  }

  async findAll(css) {
    const els = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return els.map((e) => new Element(this, elementId(e, css)));
  }

  async find(css) {
    const el = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this, elementId(el, css));
  }

  /** Polls until `css` matches at least `min` elements; returns them. */
  async waitFor(css, { timeout = 30000, min = 1 } = {}) {
    const end = Date.now() + timeout;
    let last = [];
    while (Date.now() < end) {
      try {
        last = await this.findAll(css);
        if (last.length >= min) return last;
      } catch {
        // Page still loading.
      }
      await sleep(150);
    }
    throw new Error(`timed out waiting for ${min}× '${css}' (found ${last.length})`);
  }

  async waitUntil(what, fn, timeout = 30000) {
    const end = Date.now() + timeout;
    let last;
    while (Date.now() < end) {
      last = await fn();
      if (last) return last;
      await sleep(150);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  exec(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }

  keys(text) {
    return this.cmd('POST', '/actions', {
      actions: [
        {
          type: 'key',
          id: 'keyboard',
          actions: [...text].flatMap((c) => [
            { type: 'keyDown', value: c },
            { type: 'keyUp', value: c },
          ]),
        },
      ],
    });
  }
}

function elementId(e, css) {
  const id = e && (e[ELEMENT] ?? e.ELEMENT);
  if (!id) throw new Error(`no element reference for '${css}' in ${JSON.stringify(e)}`);
  return id;
}

export class Element {
  constructor(driver, id) {
    this.driver = driver;
    this.id = id;
    this.ref = { [ELEMENT]: id };
  }
  /**
   * A real WebDriver click (pointer at the element's centre). An element covered for a moment
   * (a dialog still closing, a notice sliding in) is clicked again for up to 3 s; one that stays
   * covered fails the test with WebDriver's reason.
   */
  async click() {
    const until = Date.now() + 3000;
    for (;;) {
      try {
        return await this.driver.cmd('POST', `/element/${this.id}/click`, {});
      } catch (e) {
        if (!String(e.message).includes('click intercepted') || Date.now() > until) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  /**
   * A real click where WebKitWebDriver can do one; SVG shapes it reports as "not
   * interactable" get the same DOM click event dispatched in the page instead.
   */
  async clickShape() {
    try {
      await this.click();
    } catch (e) {
      if (!String(e.message).includes('not interactable')) throw e;
      await this.driver.exec(
        `arguments[0].dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));`,
        [this.ref],
      );
    }
  }
  text() {
    return this.driver.cmd('GET', `/element/${this.id}/text`);
  }
  attr(name) {
    return this.driver.cmd('GET', `/element/${this.id}/attribute/${name}`);
  }
  prop(name) {
    return this.driver.cmd('GET', `/element/${this.id}/property/${name}`);
  }
  type(text) {
    return this.driver.cmd('POST', `/element/${this.id}/value`, { text });
  }
  clear() {
    return this.driver.cmd('POST', `/element/${this.id}/clear`, {});
  }
}

// Every request has a deadline: a driver that stops answering fails the test instead of
// hanging the CI run.
async function request(base, method, path, body, timeoutMs = 60000) {
  const res = await fetch(base + path, {
    method,
    signal: AbortSignal.timeout(timeoutMs),
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || (json.value && json.value.error)) {
    const v = json.value || {};
    throw new Error(`WebDriver ${method} ${path}: ${res.status} ${v.error || ''} ${v.message || ''}`);
  }
  return json.value;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
