// Builds the init script that stands in for Tauri inside the page: window.__TAURI_INTERNALS__
// (invoke, callbacks for channels and events, window metadata) backed by the fake backend.
import { readFile } from 'node:fs/promises';

const here = new URL('./fixtures/', import.meta.url);

export async function fakeIpcScript({ language = 'en', theme = 'system', stepMs = 150 } = {}) {
  const backendSource = (await readFile(new URL('fake-backend.js', here), 'utf8')).replace(/^export /m, '');
  const data = await readFile(new URL('backend-data.json', here), 'utf8');
  return `(() => {
  const data = ${data};
  ${backendSource}
  const callbacks = new Map();
  const listeners = new Map();
  let nextId = 1;
  function runCallback(id, payload) {
    const cb = callbacks.get(id);
    if (cb) cb(payload);
  }
  function emit(event, payload) {
    for (const h of listeners.get(event) ?? []) runCallback(h, { event, id: h, payload });
    // The Rust side processes dropped paths itself (see src-tauri/src/intake.rs).
    if (event === 'tauri://drag-drop') backend.dropped(payload.paths);
  }
  const backend = createFakeBackend(data, { language: ${JSON.stringify(language)}, stepMs: ${stepMs}, emit });
  if (${JSON.stringify(theme)} !== 'system') backend.handle('save_settings', { settings: { ...backend.settings, theme: ${JSON.stringify(theme)} } });
  backend.calls.length = 0;
  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: 'main' }, currentWebview: { windowLabel: 'main', label: 'main' } },
    transformCallback(cb, once) {
      const id = nextId++;
      callbacks.set(id, (d) => {
        if (once) callbacks.delete(id);
        return cb && cb(d);
      });
      return id;
    },
    unregisterCallback(id) {
      callbacks.delete(id);
    },
    runCallback,
    callbacks,
    convertFileSrc: (p) => p,
    async invoke(cmd, args) {
      if (cmd === 'plugin:event|listen') {
        if (!listeners.has(args.event)) listeners.set(args.event, []);
        listeners.get(args.event).push(args.handler);
        return args.handler;
      }
      if (cmd === 'plugin:event|unlisten') return null;
      if (cmd === 'plugin:event|emit') {
        emit(args.event, args.payload);
        return null;
      }
      // Real IPC answers asynchronously; so does this.
      await new Promise((r) => setTimeout(r, 1));
      return backend.handle(cmd, args, runCallback);
    },
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener() {} };
  window.__fake = { backend, emit };
  // tauri.conf.json sets freezePrototype: the app must work with a frozen Object.prototype.
  Object.freeze(Object.prototype);
})();`;
}
