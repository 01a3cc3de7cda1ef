//! Field keys, document types and invoice subtypes.
//!
//! Header keys are exactly those of the ground-truth format (`shared/eval/ground-truth.md`),
//! each mapped to its EN 16931 business term, so that the evaluation, the e-invoice readers and
//! the extractor speak the same language.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::CoreError;
use crate::value::Normalisation;

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($variant:ident => $text:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case name used in files, the store and the UI.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(CoreError::UnknownName { kind: stringify!($name), name: other.to_owned() }),
                }
            }
        }
    };
}

string_enum! {
    /// A header field of a business document (EN 16931 term in the docs of `bt`).
    pub enum FieldKey {
        InvoiceNumber => "invoice_number",
        IssueDate => "issue_date",
        DueDate => "due_date",
        DeliveryDate => "delivery_date",
        Currency => "currency",
        PoNumber => "po_number",
        BuyerReference => "buyer_reference",
        SellerName => "seller_name",
        SellerVatId => "seller_vat_id",
        SellerTaxNumber => "seller_tax_number",
        SellerCountry => "seller_country",
        BuyerName => "buyer_name",
        BuyerVatId => "buyer_vat_id",
        Iban => "iban",
        Bic => "bic",
        PaymentTerms => "payment_terms",
        NetTotal => "net_total",
        TaxTotal => "tax_total",
        GrossTotal => "gross_total",
        AmountDue => "amount_due",
    }
}

/// What kind of value a field holds; decides parsing, normalisation and comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Text,
    Date,
    Amount,
    Code,
}

impl FieldKey {
    /// The EN 16931 business term.
    pub fn business_term(&self) -> &'static str {
        use FieldKey::*;
        match self {
            InvoiceNumber => "BT-1",
            IssueDate => "BT-2",
            DueDate => "BT-9",
            DeliveryDate => "BT-72",
            Currency => "BT-5",
            PoNumber => "BT-13",
            BuyerReference => "BT-10",
            SellerName => "BT-27",
            SellerVatId => "BT-31",
            SellerTaxNumber => "BT-32",
            SellerCountry => "BT-40",
            BuyerName => "BT-44",
            BuyerVatId => "BT-48",
            Iban => "BT-84",
            Bic => "BT-86",
            PaymentTerms => "BT-20",
            NetTotal => "BT-109",
            TaxTotal => "BT-110",
            GrossTotal => "BT-112",
            AmountDue => "BT-115",
        }
    }

    /// How the ground-truth format compares values of this field.
    pub fn normalisation(&self) -> Normalisation {
        use FieldKey::*;
        match self {
            InvoiceNumber | PoNumber | BuyerReference => Normalisation::Identifier,
            SellerName | BuyerName => Normalisation::Name,
            SellerVatId | BuyerVatId | Iban | Bic | Currency | SellerCountry => {
                Normalisation::UpperAlnum
            }
            SellerTaxNumber => Normalisation::Alnum,
            PaymentTerms => Normalisation::FreeText,
            NetTotal | TaxTotal | GrossTotal | AmountDue => Normalisation::Amount,
            IssueDate | DueDate | DeliveryDate => Normalisation::Date,
        }
    }

    pub fn value_kind(&self) -> ValueKind {
        use FieldKey::*;
        match self {
            IssueDate | DueDate | DeliveryDate => ValueKind::Date,
            NetTotal | TaxTotal | GrossTotal | AmountDue => ValueKind::Amount,
            Currency | SellerCountry | SellerVatId | BuyerVatId | Iban | Bic => ValueKind::Code,
            _ => ValueKind::Text,
        }
    }
}

string_enum! {
    /// A line-item (BG-25) attribute.
    pub enum LineKey {
        Description => "description",
        Quantity => "quantity",
        Unit => "unit",
        UnitPrice => "unit_price",
        NetAmount => "net_amount",
        TaxRate => "tax_rate",
        ItemId => "item_id",
        PoLine => "po_line",
    }
}

impl LineKey {
    pub fn value_kind(&self) -> ValueKind {
        match self {
            LineKey::Quantity | LineKey::UnitPrice | LineKey::NetAmount | LineKey::TaxRate => {
                ValueKind::Amount
            }
            LineKey::Unit => ValueKind::Code,
            _ => ValueKind::Text,
        }
    }
}

string_enum! {
    /// The ten document types of the ground-truth format.
    pub enum DocType {
        Invoice => "invoice",
        CreditNote => "credit_note",
        DebitNote => "debit_note",
        PurchaseOrder => "purchase_order",
        OrderConfirmation => "order_confirmation",
        DeliveryNote => "delivery_note",
        Receipt => "receipt",
        PaymentAdvice => "payment_advice",
        Statement => "statement",
        Other => "other",
    }
}

impl DocType {
    /// Documents that create a payable (or reduce one) and so can be posted to SAP.
    pub fn is_postable(&self) -> bool {
        matches!(
            self,
            DocType::Invoice | DocType::CreditNote | DocType::DebitNote
        )
    }
}

string_enum! {
    /// Invoice subtypes that change how AP handles a document.
    pub enum InvoiceSubtype {
        Standard => "standard",
        CreditMemo => "credit_memo",
        DebitMemo => "debit_memo",
        Prepayment => "prepayment",
        PartialInvoice => "partial_invoice",
        FinalInvoice => "final_invoice",
        SelfBilling => "self_billing",
        Proforma => "proforma",
        ReverseCharge => "reverse_charge",
        SmallAmount => "small_amount",
        Recurring => "recurring",
        Utility => "utility",
        Freight => "freight",
        ServiceWithoutPo => "service_without_po",
        PoBased => "po_based",
        Corrective => "corrective",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_fail() {
        for k in FieldKey::ALL {
            assert_eq!(k.as_str().parse::<FieldKey>().unwrap(), *k);
        }
        for d in DocType::ALL {
            assert_eq!(d.as_str().parse::<DocType>().unwrap(), *d);
        }
        assert_eq!(FieldKey::ALL.len(), 20);
        assert_eq!(DocType::ALL.len(), 10);
        assert!("invoice_no".parse::<FieldKey>().is_err());
    }

    #[test]
    fn kinds_match_the_ground_truth_normalisation() {
        assert_eq!(FieldKey::GrossTotal.value_kind(), ValueKind::Amount);
        assert_eq!(FieldKey::IssueDate.value_kind(), ValueKind::Date);
        assert_eq!(FieldKey::SellerName.value_kind(), ValueKind::Text);
        assert_eq!(FieldKey::Iban.business_term(), "BT-84");
    }
}
