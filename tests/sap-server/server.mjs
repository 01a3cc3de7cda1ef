// SAP S/4HANA OData V2 test server for sapllm-sap.
//
// SAP's own mock server (@sap-ux/fe-mockserver-core) serves the three services from their
// real $metadata (supplier invoice, purchase order, business partner) with the seed data in
// ./mockdata; this wrapper adds what S/4HANA does and the mock does not: Basic and bearer
// authentication (with an /oauth/token endpoint), per-session CSRF tokens, EDMX type checks of
// posted JSON, document numbering, duplicate (M8/108) and balance (M8/534) checks, and fault
// injection for chaos tests (see lib/faults.mjs and README.md).
//
//   node server.mjs --port 0 --metadata ../../../shared/data/sap [--exit-on-stdin-close]
//   env: SAP_TEST_USER, SAP_TEST_PASSWORD, SAP_TEST_CLIENT_ID, SAP_TEST_CLIENT_SECRET,
//        SAP_TEST_TOKEN_TTL (seconds), SAP_METADATA_DIR (instead of --metadata)
//
// Prints `LISTENING <port>` on stdout once it accepts connections. Binds 127.0.0.1 only.

import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import FEMockserverModule from '@sap-ux/fe-mockserver-core';

import { Auth, sendUnauthorized } from './lib/auth.mjs';
import { CsrfSessions, sendCsrfRequired } from './lib/csrf.mjs';
import { Edmx } from './lib/edmx.mjs';
import { Faults, sleep } from './lib/faults.mjs';
import { Ledger, assignKeys } from './lib/invoices.mjs';
import { sendSapError } from './lib/sap-error.mjs';
import { checkEntity } from './lib/typecheck.mjs';

const FEMockserver = FEMockserverModule.default ?? FEMockserverModule;
const here = dirname(fileURLToPath(import.meta.url));
const SERVICES = ['API_SUPPLIERINVOICE_PROCESS_SRV', 'API_PURCHASEORDER_PROCESS_SRV', 'API_BUSINESS_PARTNER'];
const PREFIX = '/sap/opu/odata/sap/';
const MODIFYING = new Set(['POST', 'PUT', 'PATCH', 'MERGE', 'DELETE']);

// --- configuration -----------------------------------------------------------------------
const args = process.argv.slice(2);
const arg = (name) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
};
const port = Number(arg('port') ?? process.env.SAP_TEST_PORT ?? 0);
const metadataDir = resolve(arg('metadata') ?? process.env.SAP_METADATA_DIR ?? join(here, '../../../shared/data/sap'));
for (const s of SERVICES) {
    if (!existsSync(join(metadataDir, `${s}.metadata.xml`))) {
        console.error(`sap-test-server: ${s}.metadata.xml not found in ${metadataDir} (pass --metadata DIR or SAP_METADATA_DIR)`);
        process.exit(2);
    }
}
const generated = (what) => {
    const v = randomBytes(12).toString('base64url');
    console.error(`sap-test-server: ${what} not set, using a random one`);
    return v;
};
const auth = new Auth({
    user: process.env.SAP_TEST_USER || 'SAPLLM_TEST',
    password: process.env.SAP_TEST_PASSWORD || generated('SAP_TEST_PASSWORD'),
    clientId: process.env.SAP_TEST_CLIENT_ID || 'sapllm-test-client',
    clientSecret: process.env.SAP_TEST_CLIENT_SECRET || generated('SAP_TEST_CLIENT_SECRET'),
    tokenTtlSecs: Number(process.env.SAP_TEST_TOKEN_TTL || 3600),
});

const edmx = Object.fromEntries(SERVICES.map((s) => [s, Edmx.load(join(metadataDir, `${s}.metadata.xml`))]));
const seed = (service, set) => JSON.parse(readFileSync(join(here, 'mockdata', service, `${set}.json`), 'utf8'));
const ledger = new Ledger({
    companyCodes: ['1010'],
    suppliers: seed('API_BUSINESS_PARTNER', 'A_Supplier'),
    poItems: seed('API_PURCHASEORDER_PROCESS_SRV', 'A_PurchaseOrderItem'),
    taxRates: { V0: 0, V1: 19, V2: 7 },
});
const csrf = new CsrfSessions();
const faults = new Faults();
const stats = { requests: 0, creates: 0 };

// --- the mock server (recreated on reset, so its data goes back to the seed) ---------------
let router;
async function startMock() {
    const mock = new FEMockserver({
        services: SERVICES.map((s) => ({
            urlPath: PREFIX + s,
            metadataPath: join(metadataDir, `${s}.metadata.xml`),
            mockdataPath: join(here, 'mockdata', s),
            generateMockData: false,
            noETag: true,
        })),
        logger: { info() {}, warn() {}, debug() {}, error: (m) => console.error('mock:', m) },
    });
    await mock.isReady;
    router = mock.getRouter();
}

// Creates are serialised: the duplicate check and the numbering must see one invoice at a time
// even when a chaos test posts concurrently (the mock's insert is asynchronous).
let createChain = Promise.resolve();
const serialised = (fn) => {
    const run = createChain.then(fn, fn);
    createChain = run.catch(() => {});
    return run;
};

// --- helpers -------------------------------------------------------------------------------
const readBody = (req) =>
    new Promise((ok, fail) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => ok(Buffer.concat(chunks)));
        req.on('error', fail);
    });

const sendJson = (res, status, body) => {
    const text = JSON.stringify(body, null, 1);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(text);
};

const destroy = (req) => req.socket.destroy();

/**
 * Hands the request to the mock server. Our CSRF header wins over the mock's fixed token,
 * Location becomes absolute (as SAP sends it), and `onEnd(status)` runs before the answer
 * leaves: it may swallow it (faults after commit) by returning false.
 */
function forward(req, res, body, onEnd = () => true) {
    if (body !== undefined) {
        req._body = true; // body-parser inside the mock skips reading a consumed stream
        req.body = body;
    }
    const service = req.url.slice(PREFIX.length).split(/[/?]/)[0]; // before the router rewrites req.url
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name, value) => {
        const n = name.toLowerCase();
        if (n === 'x-csrf-token') return res;
        if (n === 'location' && typeof value === 'string' && !value.startsWith('http')) {
            value = `http://${req.headers.host}${PREFIX}${service}/${value}`;
        }
        return setHeader(name, value);
    };
    const chunks = [];
    res.write = (c) => (chunks.push(Buffer.from(c)), true);
    const end = res.end.bind(res);
    res.end = (c) => {
        if (c) chunks.push(Buffer.from(c));
        if (onEnd(res.statusCode) === false) return res;
        return end(Buffer.concat(chunks));
    };
    router(req, res, (err) => {
        if (err) {
            console.error('mock error:', err);
            return sendSapError(res, 500, '/IWBEP/CM_MGW_RT/000', 'Internal error in the mock server');
        }
        sendSapError(res, 404, '/IWBEP/CM_MGW_RT/021', `Resource not found for segment '${req.url}'`);
    });
}

/** Answers a fault that acts before anything is processed; returns true when it did. */
async function preFault(fault, req, res, principal) {
    switch (fault.kind) {
        case 'delay':
            await sleep(fault.ms ?? 1000);
            return false;
        case 'timeout_before_commit':
            await sleep(fault.ms ?? 30000);
            destroy(req);
            return true;
        case 'drop_connection':
            destroy(req);
            return true;
        case 'http_429':
            sendSapError(res, 429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded, retry later', [], { 'retry-after': String(fault.retryAfter ?? 1) });
            return true;
        case 'http_500':
            sendSapError(res, 500, '/IWBEP/CM_MGW_RT/000', 'In the context of Data Services an unknown internal server error occurred');
            return true;
        case 'http_502':
        case 'http_503':
        case 'http_504': {
            const status = Number(fault.kind.slice(5));
            res.writeHead(status, { 'content-type': 'text/html' });
            res.end(`<html><body><h1>${status} Service Unavailable</h1>ICM: backend not reachable</body></html>`);
            return true;
        }
        case 'csrf_expired':
            csrf.expire(req);
            if (MODIFYING.has(req.method)) {
                sendCsrfRequired(res);
                return true;
            }
            return false;
        case 'token_expired':
            auth.revokeTokens();
            if (principal.startsWith('client:')) {
                sendUnauthorized(res);
                return true;
            }
            return false;
        default:
            return false; // after-commit faults act later
    }
}

/** After the commit: hang and/or drop the connection instead of answering. */
function afterCommit(fault, req) {
    if (!fault || !['timeout_after_commit', 'drop_after_commit'].includes(fault.kind)) return true;
    const ms = fault.kind === 'drop_after_commit' ? 0 : fault.ms ?? 30000;
    setTimeout(() => destroy(req), ms);
    return false;
}

// --- A_SupplierInvoice create ----------------------------------------------------------------
async function createInvoice(req, res, raw, fault) {
    let body;
    try {
        body = JSON.parse(raw.toString('utf8'));
    } catch {
        return sendSapError(res, 400, '/IWBEP/CM_MGW_RT/004', 'Malformed request body: not JSON');
    }
    const typeErrors = checkEntity(edmx.API_SUPPLIERINVOICE_PROCESS_SRV, 'A_SupplierInvoiceType', body);
    if (typeErrors.length) return sendSapError(res, 400, typeErrors[0].code, typeErrors[0].message, typeErrors);
    const problem = ledger.check(body);
    if (problem) return sendSapError(res, problem.status, problem.code, problem.message, problem.details);
    return serialised(
        () =>
            new Promise((done) => {
                const dup = ledger.duplicateOf(body);
                if (dup) {
                    const e = ledger.duplicateError(dup);
                    sendSapError(res, e.status, e.code, e.message, e.details);
                    return done();
                }
                const entry = ledger.reserve(body);
                assignKeys(body, entry);
                stats.creates += 1;
                forward(req, res, Buffer.from(JSON.stringify(body)), (status) => {
                    if (status === 201) entry.status = 'committed';
                    else ledger.release(entry);
                    done();
                    return status === 201 ? afterCommit(fault, req) : true;
                });
            }),
    );
}

// --- admin ---------------------------------------------------------------------------------
async function admin(req, res, url, raw) {
    const route = `${req.method} ${url.pathname}`;
    try {
        switch (route) {
            case 'GET /__admin/health':
                return sendJson(res, 200, { ok: true, ...stats, csrfFetches: csrf.fetches, tokensIssued: auth.tokensIssued });
            case 'GET /__admin/invoices':
                return sendJson(res, 200, { invoices: ledger.invoices.filter((i) => i.status === 'committed') });
            case 'GET /__admin/faults':
                return sendJson(res, 200, faults.describe());
            case 'POST /__admin/faults':
                faults.configure(JSON.parse(raw.toString('utf8') || '{}'));
                return sendJson(res, 200, faults.describe());
            case 'POST /__admin/csrf/expire':
                csrf.expireAll();
                return sendJson(res, 200, { ok: true });
            case 'POST /__admin/tokens/revoke':
                auth.revokeTokens();
                return sendJson(res, 200, { ok: true });
            case 'POST /__admin/reset':
                await startMock();
                ledger.reset();
                faults.reset();
                csrf.expireAll();
                stats.requests = 0;
                stats.creates = 0;
                return sendJson(res, 200, { ok: true });
            default:
                return sendJson(res, 404, { error: `unknown admin route ${route}` });
        }
    } catch (e) {
        return sendJson(res, 400, { error: String(e.message ?? e) });
    }
}

// --- request pipeline ----------------------------------------------------------------------
async function handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1');
    const raw = MODIFYING.has(req.method) ? await readBody(req) : undefined;
    if (url.pathname.startsWith('/__admin/')) return admin(req, res, url, raw ?? Buffer.alloc(0));
    if (url.pathname === '/oauth/token') return auth.handleToken(req, res, raw ?? Buffer.alloc(0));
    if (!url.pathname.startsWith(PREFIX)) return sendSapError(res, 404, '/IWFND/MED/170', `No service found for ${url.pathname}`);

    stats.requests += 1;
    const principal = auth.authenticate(req);
    if (!principal) return sendUnauthorized(res);
    const fault = faults.pick(req.method, url.pathname);
    if (fault && (await preFault(fault, req, res, principal))) return;

    const fetching = String(req.headers['x-csrf-token'] || '').toLowerCase() === 'fetch';
    if ((req.method === 'GET' || req.method === 'HEAD') && fetching) csrf.fetch(req, res, principal);
    if (req.method === 'HEAD') {
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end();
    }
    if (MODIFYING.has(req.method) && !csrf.valid(req, principal)) return sendCsrfRequired(res);

    const [service, ...rest] = url.pathname.slice(PREFIX.length).split('/');
    const segment = decodeURIComponent(rest.join('/'));
    if (req.method === 'POST' && segment === '$batch') {
        return sendSapError(res, 501, 'ZTEST/900', 'The test server does not accept $batch: post each invoice on its own');
    }
    if (req.method === 'POST' && service === 'API_SUPPLIERINVOICE_PROCESS_SRV' && segment === 'A_SupplierInvoice') {
        return createInvoice(req, res, raw, fault);
    }
    if (req.method === 'POST' && edmx[service]) {
        const set = edmx[service].entitySets.get(segment);
        if (set && !set.creatable) return sendSapError(res, 405, '/IWBEP/CM_MGW_RT/051', `Entity set ${segment} is not creatable`);
        if (set) {
            let body;
            try {
                body = JSON.parse(raw.toString('utf8'));
            } catch {
                return sendSapError(res, 400, '/IWBEP/CM_MGW_RT/004', 'Malformed request body: not JSON');
            }
            const errors = checkEntity(edmx[service], set.type, body);
            if (errors.length) return sendSapError(res, 400, errors[0].code, errors[0].message, errors);
        }
    }
    return forward(req, res, raw, () => afterCommit(fault, req));
}

await startMock();
const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
        console.error('sap-test-server error:', e);
        if (!res.headersSent) sendSapError(res, 500, '/IWBEP/CM_MGW_RT/000', 'Internal error in the test server');
        else res.destroy();
    });
});
server.keepAliveTimeout = 30000;
server.listen(port, '127.0.0.1', () => {
    console.log(`LISTENING ${server.address().port}`);
});
const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500).unref();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Started by a test harness: when its end of stdin closes (the harness died without killing
// us), stop, so no server outlives its test run.
if (args.includes('--exit-on-stdin-close')) {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
}
