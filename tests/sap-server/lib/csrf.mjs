// Per-session CSRF tokens as SAP Gateway issues them: `x-csrf-token: Fetch` on a GET or HEAD
// returns a token bound to the session cookie (SAP_SESSIONID_<SID>_<client>); a modifying
// request must carry both, or it gets 403 with `x-csrf-token: Required`.

import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'SAP_SESSIONID_S4T_100';

export class CsrfSessions {
    constructor() {
        /** @type {Map<string, {token: string, principal: string}>} */
        this.sessions = new Map();
        this.fetches = 0;
    }

    static sessionId(req) {
        const cookies = req.headers.cookie || '';
        for (const part of cookies.split(';')) {
            const [k, ...v] = part.trim().split('=');
            if (k === SESSION_COOKIE) return v.join('=');
        }
        return undefined;
    }

    /** Handles `x-csrf-token: Fetch`: sets the token header and, for a new session, the cookie. */
    fetch(req, res, principal) {
        this.fetches += 1;
        let id = CsrfSessions.sessionId(req);
        let s = id && this.sessions.get(id);
        if (!s || s.principal !== principal) {
            id = randomBytes(18).toString('base64url');
            s = { token: randomBytes(16).toString('base64url') + '==', principal };
            this.sessions.set(id, s);
            res.setHeader('set-cookie', [
                `${SESSION_COOKIE}=${id}; path=/; HttpOnly`,
                'sap-usercontext=sap-client=100; path=/',
            ]);
        }
        res.setHeader('x-csrf-token', s.token);
    }

    /** Whether a modifying request carries the token of its own session. */
    valid(req, principal) {
        const id = CsrfSessions.sessionId(req);
        const s = id && this.sessions.get(id);
        return Boolean(s && s.principal === principal && req.headers['x-csrf-token'] === s.token);
    }

    /** Every session ends (as after SAP's session timeout): the next modifying request gets 403. */
    expireAll() {
        this.sessions.clear();
    }

    expire(req) {
        const id = CsrfSessions.sessionId(req);
        if (id) this.sessions.delete(id);
    }
}

export function sendCsrfRequired(res) {
    res.writeHead(403, { 'content-type': 'text/plain', 'x-csrf-token': 'Required' });
    res.end('CSRF token validation failed');
}
