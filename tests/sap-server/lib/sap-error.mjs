// Error bodies in SAP Gateway's OData V2 JSON form, and exact decimal arithmetic for the
// balance check (amounts are compared as integers of thousandths, never as floats).

import { randomBytes } from 'node:crypto';

/**
 * Sends an SAP-style error:
 * {"error":{"code","message":{"lang","value"},"innererror":{"errordetails":[...]}}}
 */
export function sendSapError(res, status, code, message, details = [], headers = {}) {
    const body = {
        error: {
            code,
            message: { lang: 'en', value: message },
            innererror: {
                application: { component_id: 'MM-IV-LIV', service_namespace: '/SAP/', service_id: 'API_SUPPLIERINVOICE_PROCESS_SRV', service_version: '0001' },
                transactionid: randomBytes(16).toString('hex').toUpperCase(),
                timestamp: new Date().toISOString().replace(/\D/g, '').slice(0, 14),
                errordetails: (details.length ? details : [{ code, message, propertyref: '', target: '' }]).map((d) => ({
                    code: d.code,
                    message: d.message,
                    propertyref: d.propertyref ?? '',
                    severity: d.severity ?? 'error',
                    target: d.target ?? '',
                })),
            },
        },
    };
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
}

/** "123.45" -> 123450n (thousandths). Throws on anything that is not a plain decimal. */
export function toMilli(value) {
    const m = /^([+-]?)(\d+)(?:\.(\d{1,3}))?$/.exec(String(value));
    if (!m) throw new Error(`not a decimal with at most 3 places: ${value}`);
    const n = BigInt(m[2]) * 1000n + BigInt((m[3] || '').padEnd(3, '0'));
    return m[1] === '-' ? -n : n;
}

/** 123450n -> "123.45" */
export function fromMilli(n) {
    const neg = n < 0n;
    const abs = neg ? -n : n;
    const cents = abs / 10n + (abs % 10n >= 5n ? 1n : 0n);
    const s = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
    return neg ? `-${s}` : s;
}
