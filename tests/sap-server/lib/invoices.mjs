// What S/4HANA does with a new A_SupplierInvoice and the mock server does not: required header
// fields, master data (company code, supplier and its posting block, PO items), the balance
// check (M8/534), the duplicate check (M8/108) and document numbering (5105600001, ... with
// the fiscal year of the posting date). The ledger remembers every created invoice so that a
// chaos test can count duplicates through GET /__admin/invoices.
//
// Message codes: M8/108, M8/534 and 00/055 are SAP's own numbers for these situations. Checks
// whose SAP message number we could not confirm use the class ZTEST (ZTEST/001..004).

import { fromMilli, toMilli } from './sap-error.mjs';

const REQUIRED = ['CompanyCode', 'DocumentDate', 'PostingDate', 'InvoicingParty', 'DocumentCurrency', 'InvoiceGrossAmount'];
const FIRST_NUMBER = 5105600000;

/** A business error: status, SAP code, message, error details. */
const fail = (code, message, details = []) => ({ status: 400, code, message, details });

export class Ledger {
    /**
     * @param {{companyCodes: string[], suppliers: any[], poItems: any[], taxRates: Record<string, number>}} master
     */
    constructor(master) {
        this.master = master;
        this.reset();
    }

    reset() {
        /** @type {any[]} */
        this.invoices = [];
        this.next = 1;
    }

    /** Business checks in SAP's order; returns a failure or null. */
    check(body) {
        const missing = REQUIRED.filter((f) => body[f] === undefined || body[f] === null || body[f] === '');
        if (missing.length) {
            return fail('00/055', `Make an entry in all required fields (${missing.join(', ')})`,
                missing.map((f) => ({ code: '00/055', message: `Make an entry in field ${f}`, propertyref: `A_SupplierInvoiceType/${f}`, target: f })));
        }
        if (!this.master.companyCodes.includes(body.CompanyCode)) {
            return fail('ZTEST/004', `Company code ${body.CompanyCode} is not defined`);
        }
        const supplier = this.master.suppliers.find((s) => s.Supplier === body.InvoicingParty);
        if (!supplier) return fail('ZTEST/001', `Supplier ${body.InvoicingParty} does not exist`);
        if (supplier.PostingIsBlocked) {
            return fail('ZTEST/002', `Supplier ${body.InvoicingParty} is blocked for posting`);
        }
        for (const item of body.to_SuplrInvcItemPurOrdRef?.results ?? []) {
            const known = this.master.poItems.some(
                (p) => p.PurchaseOrder === item.PurchaseOrder && Number(p.PurchaseOrderItem) === Number(item.PurchaseOrderItem),
            );
            if (!known) {
                return fail('ZTEST/003', `Purchase order item ${item.PurchaseOrder} ${item.PurchaseOrderItem} does not exist`);
            }
        }
        return this.balance(body);
    }

    // Debits must equal credits: the gross amount against the items plus the taxes. With
    // TaxIsCalculatedAutomatically and no tax lines, SAP computes the tax from the tax codes.
    balance(body) {
        const po = body.to_SuplrInvcItemPurOrdRef?.results ?? [];
        const gl = body.to_SupplierInvoiceItemGLAcct?.results ?? [];
        const taxLines = body.to_SupplierInvoiceTax?.results ?? [];
        let items = 0n;
        const baseByCode = new Map();
        for (const it of po) {
            const a = toMilli(it.SupplierInvoiceItemAmount ?? '0');
            items += a;
            baseByCode.set(it.TaxCode, (baseByCode.get(it.TaxCode) ?? 0n) + a);
        }
        // A G/L item on the other side than the document (credit on an invoice, debit on a
        // credit memo) reduces it.
        const creditMemo = body.SupplierInvoiceIsCreditMemo === 'X';
        for (const it of gl) {
            const opposite = (it.DebitCreditCode === 'H') !== creditMemo;
            const a = toMilli(it.SupplierInvoiceItemAmount ?? '0') * (opposite ? -1n : 1n);
            items += a;
            baseByCode.set(it.TaxCode, (baseByCode.get(it.TaxCode) ?? 0n) + a);
        }
        let taxes = 0n;
        if (taxLines.length) {
            for (const t of taxLines) taxes += toMilli(t.TaxAmount ?? '0');
        } else if (body.TaxIsCalculatedAutomatically) {
            for (const [code, base] of baseByCode) {
                const rate = this.master.taxRates[code ?? ''];
                if (rate === undefined) return fail('ZTEST/005', `Tax code ${code || '(empty)'} is not defined`);
                // base (thousandths) x rate (thousandths of a percent) = 1e-8 units: round
                // half up to cents (1e-6 of raw), kept in thousandths
                const raw = base * BigInt(Math.round(rate * 1000));
                const cents = (raw + 500000n * (raw >= 0n ? 1n : -1n)) / 1000000n;
                taxes += cents * 10n;
            }
        }
        const gross = toMilli(body.InvoiceGrossAmount);
        const credits = gross;
        const debits = items + taxes;
        if (debits !== credits) {
            const msg = `Balance not zero: ${fromMilli(debits - credits)} debits: ${fromMilli(debits)} credits: ${fromMilli(credits)}`;
            return fail('M8/534', msg, [
                { code: 'M8/534', message: msg, propertyref: 'A_SupplierInvoiceType/InvoiceGrossAmount', target: 'InvoiceGrossAmount' },
            ]);
        }
        return null;
    }

    /** The invoice already entered under this key, if any (SAP's duplicate check). */
    duplicateOf(body) {
        return this.invoices.find(
            (i) =>
                i.CompanyCode === body.CompanyCode &&
                i.InvoicingParty === body.InvoicingParty &&
                i.SupplierInvoiceIDByInvcgParty === body.SupplierInvoiceIDByInvcgParty,
        );
    }

    duplicateError(dup) {
        return fail('M8/108', `Check if invoice already entered under accounting document no. ${dup.SupplierInvoice} ${dup.FiscalYear}`);
    }

    /** Assigns the next number and reserves the key (status pending until the mock committed). */
    reserve(body) {
        const postingMs = Number(/^\/Date\((-?\d+)/.exec(body.PostingDate)?.[1]);
        const entry = {
            SupplierInvoice: String(FIRST_NUMBER + this.next),
            FiscalYear: String(new Date(postingMs).getUTCFullYear()),
            CompanyCode: body.CompanyCode,
            InvoicingParty: body.InvoicingParty,
            SupplierInvoiceIDByInvcgParty: body.SupplierInvoiceIDByInvcgParty,
            DocumentCurrency: body.DocumentCurrency,
            InvoiceGrossAmount: body.InvoiceGrossAmount,
            SupplierInvoiceIsCreditMemo: body.SupplierInvoiceIsCreditMemo ?? '',
            status: 'pending',
            createdAt: new Date().toISOString(),
        };
        this.next += 1;
        this.invoices.push(entry);
        return entry;
    }

    release(entry) {
        this.invoices = this.invoices.filter((i) => i !== entry);
    }
}

/** Copies SAP's keys into the header and every child of the deep insert. */
export function assignKeys(body, entry) {
    body.SupplierInvoice = entry.SupplierInvoice;
    body.FiscalYear = entry.FiscalYear;
    for (const nav of ['to_SuplrInvcItemPurOrdRef', 'to_SupplierInvoiceItemGLAcct', 'to_SupplierInvoiceTax']) {
        (body[nav]?.results ?? []).forEach((child, i) => {
            child.SupplierInvoice = entry.SupplierInvoice;
            child.FiscalYear = entry.FiscalYear;
            if (nav === 'to_SupplierInvoiceTax') child.SupplierInvoiceTaxCounter = String(i + 1).padStart(6, '0');
        });
    }
}
