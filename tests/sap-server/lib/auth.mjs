// Who may call the test server: a communication user with Basic auth, or an OAuth 2.0 client
// that got a bearer token from /oauth/token (client_credentials grant). Secrets come from the
// environment and are compared in constant time; they are never logged or echoed.

import { randomBytes, timingSafeEqual } from 'node:crypto';

const same = (a, b) => {
    const x = Buffer.from(String(a));
    const y = Buffer.from(String(b));
    return x.length === y.length && timingSafeEqual(x, y);
};

export class Auth {
    constructor({ user, password, clientId, clientSecret, tokenTtlSecs }) {
        this.user = user;
        this.password = password;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.tokenTtlSecs = tokenTtlSecs;
        /** @type {Map<string, {clientId: string, expires: number}>} */
        this.tokens = new Map();
        this.tokensIssued = 0;
    }

    /** The principal of a request (`user:<name>` / `client:<id>`), or null. */
    authenticate(req) {
        const h = req.headers.authorization || '';
        if (h.startsWith('Basic ')) {
            const [u, ...rest] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
            return same(u, this.user) && same(rest.join(':'), this.password) ? `user:${u}` : null;
        }
        if (h.startsWith('Bearer ')) {
            const t = this.tokens.get(h.slice(7).trim());
            if (!t) return null;
            if (t.expires <= Date.now()) {
                this.tokens.delete(h.slice(7).trim());
                return null;
            }
            return `client:${t.clientId}`;
        }
        return null;
    }

    /** Bearer tokens stop working at once (the client must fetch a new one). */
    revokeTokens() {
        this.tokens.clear();
    }

    /** POST /oauth/token with grant_type=client_credentials (form body; client auth by Basic or form). */
    handleToken(req, res, rawBody) {
        const form = new URLSearchParams(rawBody.toString('utf8'));
        let id = form.get('client_id');
        let secret = form.get('client_secret');
        const h = req.headers.authorization || '';
        if (h.startsWith('Basic ')) {
            const [u, ...rest] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
            id = decodeURIComponent(u);
            secret = decodeURIComponent(rest.join(':'));
        }
        const reply = (status, body) => {
            const text = JSON.stringify(body);
            res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
            res.end(text);
        };
        if (req.method !== 'POST') return reply(405, { error: 'invalid_request', error_description: 'use POST' });
        if (form.get('grant_type') !== 'client_credentials') {
            return reply(400, { error: 'unsupported_grant_type', error_description: 'only client_credentials is supported' });
        }
        if (!id || !secret || !same(id, this.clientId) || !same(secret, this.clientSecret)) {
            return reply(401, { error: 'invalid_client', error_description: 'Bad client credentials' });
        }
        const token = randomBytes(24).toString('base64url');
        this.tokens.set(token, { clientId: id, expires: Date.now() + this.tokenTtlSecs * 1000 });
        this.tokensIssued += 1;
        return reply(200, {
            access_token: token,
            token_type: 'bearer',
            expires_in: this.tokenTtlSecs,
            scope: form.get('scope') || 'API_SUPPLIERINVOICE_PROCESS_SRV_0001',
        });
    }
}

export function sendUnauthorized(res) {
    res.writeHead(401, {
        'content-type': 'text/html; charset=utf-8',
        'www-authenticate': 'Basic realm="SAP NetWeaver Application Server [S4T/100]"',
    });
    res.end('<html><head><title>Logon Error Message</title></head><body>Logon failed</body></html>');
}
