// Fault injection for chaos tests, set through POST /__admin/faults:
//
//   {"seed": 7, "append": false, "rules": [{
//       "method": "POST", "path": "A_SupplierInvoice",         // which requests (both optional)
//       "sequence": [{"kind": "http_503"}, {"kind": "none"}],   // scripted: one per request, in order
//       "random": [{"kind": "timeout_after_commit", "p": 0.2, "ms": 3000}]  // then by chance
//   }]}
//
// Kinds: none, delay{ms} (then answer normally), timeout_before_commit{ms} (hang, then drop the
// connection; nothing is created), timeout_after_commit{ms} (create, hang, drop: the client
// never learns the number), drop_connection (destroy the socket at once), drop_after_commit,
// http_500, http_502, http_503, http_504, http_429{retryAfter}, csrf_expired (the session ends:
// 403 `x-csrf-token: Required`), token_expired (bearer tokens revoked: 401).
// Random draws use a seeded generator so a failing chaos run can be replayed.

export const KINDS = new Set([
    'none', 'delay', 'timeout_before_commit', 'timeout_after_commit', 'drop_connection', 'drop_after_commit',
    'http_500', 'http_502', 'http_503', 'http_504', 'http_429', 'csrf_expired', 'token_expired',
]);

function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export class Faults {
    constructor() {
        this.reset();
    }

    reset() {
        this.rules = [];
        this.fired = [];
        this.random = mulberry32(1);
    }

    /** Applies an admin request; throws with a readable message on a bad configuration. */
    configure(cfg) {
        if (!cfg || typeof cfg !== 'object') throw new Error('fault configuration must be a JSON object');
        const rules = cfg.rules ?? [];
        if (!Array.isArray(rules)) throw new Error('"rules" must be an array');
        for (const r of rules) {
            for (const f of [...(r.sequence ?? []), ...(r.random ?? [])]) {
                if (!KINDS.has(f.kind)) throw new Error(`unknown fault kind "${f.kind}"; known: ${[...KINDS].join(', ')}`);
            }
            for (const f of r.random ?? []) {
                if (typeof f.p !== 'number' || f.p < 0 || f.p > 1) throw new Error(`random fault "${f.kind}" needs "p" in 0..1`);
            }
        }
        if (!cfg.append) this.rules = [];
        if (cfg.seed !== undefined) this.random = mulberry32(Number(cfg.seed));
        for (const r of rules) {
            this.rules.push({ method: r.method?.toUpperCase(), path: r.path, sequence: [...(r.sequence ?? [])], random: r.random ?? [] });
        }
    }

    /** The fault for this request (consuming a scripted step), or null. */
    pick(method, path) {
        for (const r of this.rules) {
            if (r.method && r.method !== method) continue;
            if (r.path && !path.includes(r.path)) continue;
            let fault = null;
            if (r.sequence.length) {
                fault = r.sequence.shift();
            } else {
                let x = this.random();
                for (const f of r.random) {
                    if (x < f.p) {
                        fault = f;
                        break;
                    }
                    x -= f.p;
                }
            }
            if (fault && fault.kind !== 'none') {
                this.fired.push({ kind: fault.kind, method, path, at: new Date().toISOString() });
                return fault;
            }
            return null;
        }
        return null;
    }

    describe() {
        return { rules: this.rules, fired: this.fired };
    }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
