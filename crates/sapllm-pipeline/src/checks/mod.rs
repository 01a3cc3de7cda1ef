//! Business-rule checks (IBAN, VAT ID, BIC, currency, tax rates, dates).
