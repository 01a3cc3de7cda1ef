//! OData V2 as SAP speaks it: `{"d": ...}` envelopes, `/Date(ms)/` dates, decimals as strings
//! (or numbers, which some servers send), error bodies, and literals in URLs.
//!
//! Use the serde helpers with `#[serde(with = "...")]`:
//! [`sap_date`], [`sap_date_opt`], [`sap_decimal`], [`sap_decimal_opt`].

use chrono::{DateTime, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use std::str::FromStr;

use crate::error::SapMessage;

/// `{"d": T}`: a single entity.
#[derive(Debug, Deserialize)]
pub struct One<T> {
    pub d: T,
}

/// `{"d": {"results": [T]}}`: a collection (also the shape of an expanded navigation).
#[derive(Debug, Deserialize)]
pub struct Many<T> {
    pub d: Results<T>,
}

/// `{"results": [T]}`. A missing or `null` list is empty.
#[derive(Debug, Deserialize)]
pub struct Results<T> {
    #[serde(default = "Vec::new")]
    pub results: Vec<T>,
}

impl<T> Default for Results<T> {
    fn default() -> Self {
        Self {
            results: Vec::new(),
        }
    }
}

/// `NaiveDate` → `/Date(<ms since epoch, UTC midnight>)/`.
pub fn format_date(d: NaiveDate) -> String {
    let ms = d
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or_default();
    format!("/Date({ms})/")
}

/// Reads `/Date(ms)/`, `/Date(ms+0100)/` (the offset only shifts the display time; the date is
/// the UTC date of `ms`, as SAP stores dates at UTC midnight), or ISO `YYYY-MM-DD[Thh:mm:ss]`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) {
        // The sign of a negative timestamp is at 0; an offset sign comes later.
        let end = inner
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '+' || *c == '-')
            .map(|(i, _)| i)
            .unwrap_or(inner.len());
        let ms: i64 = inner[..end].parse().ok()?;
        return DateTime::from_timestamp_millis(ms).map(|t| t.date_naive());
    }
    let date_part = s.get(..10)?;
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()
}

/// Decimal from SAP's string form; also accepts exponents (`1.5E+2`).
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let s = s.trim();
    Decimal::from_str(s)
        .ok()
        .or_else(|| Decimal::from_scientific(s).ok())
}

/// Amount as SAP wants it in JSON: a string with exactly `scale` decimal places.
pub fn format_decimal(d: Decimal, scale: u32) -> String {
    let mut d =
        d.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    d.rescale(scale);
    d.to_string()
}

/// `'...'` string literal for `$filter` and keys: a quote is doubled.
pub fn string_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Percent-encodes a URL component (everything but RFC 3986 unreserved characters), so a space
/// is `%20` (never `+`, which SAP's ICF does not read as a space in every release).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `/Date(ms)/` ⇄ `NaiveDate`.
pub mod sap_date {
    use super::*;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        parse_date(&s).ok_or_else(|| serde::de::Error::custom(format!("not an OData date: {s:?}")))
    }
}

/// Optional `/Date(ms)/`; `null` and a missing field are `None`.
pub mod sap_date_opt {
    use super::*;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&format_date(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) if s.is_empty() => Ok(None),
            Some(s) => parse_date(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("not an OData date: {s:?}"))),
        }
    }
}

/// A decimal sent as a string (`"12.50"`, SAP's V2 form) or as a JSON number (some servers).
/// Numbers arrive through serde_json as `f64`; their shortest round-trip text is parsed, so
/// `0.1` stays `0.1`. Serialises as a string.
pub mod sap_decimal {
    use super::*;
    use serde::Serializer;
    use serde::de::{self, Visitor};
    use std::fmt;

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }

    pub(super) struct DecimalVisitor;

    impl Visitor<'_> for DecimalVisitor {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal as a string or a number")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            parse_decimal(v).ok_or_else(|| E::custom(format!("not a decimal: {v:?}")))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            parse_decimal(&v.to_string()).ok_or_else(|| E::custom(format!("not a decimal: {v}")))
        }
    }
}

/// Optional decimal (string, number, `null`, or missing; an empty string is `None`).
pub mod sap_decimal_opt {
    use super::*;
    use serde::Serializer;
    use serde::de::{self, Visitor};
    use std::fmt;

    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_any(OptVisitor)
    }

    struct OptVisitor;

    impl<'de> Visitor<'de> for OptVisitor {
        type Value = Option<Decimal>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal as a string or a number, or null")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                return Ok(None);
            }
            sap_decimal::DecimalVisitor.visit_str(v).map(Some)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(Decimal::from(v)))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(Decimal::from(v)))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            sap_decimal::DecimalVisitor.visit_f64(v).map(Some)
        }
    }
}

/// What an SAP error body says: the main code and message plus the details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    pub details: Vec<SapMessage>,
}

/// Reads SAP's JSON error body (`{"error":{"code","message":{"lang","value"},"innererror":
/// {"errordetails":[...]}}}`, also with `message` as a plain string), the XML form
/// (`<error><code>..</code><message>..</message>`), or falls back to the text of an HTML or
/// plain body. `None` when the body says nothing useful.
pub fn parse_error_body(body: &str) -> Option<ErrorBody> {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        let e = v.get("error")?;
        // OAuth 2.0 token endpoints answer {"error": "invalid_client", "error_description": ...}.
        if let Some(code) = e.as_str() {
            let message = v
                .get("error_description")
                .and_then(|d| d.as_str())
                .unwrap_or_default()
                .to_owned();
            return Some(ErrorBody {
                code: code.to_owned(),
                message,
                details: Vec::new(),
            });
        }
        let text = |m: &serde_json::Value| -> String {
            match m {
                serde_json::Value::String(s) => s.clone(),
                other => other
                    .get("value")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
            }
        };
        let code = e
            .get("code")
            .and_then(|c| c.as_str())
            .unwrap_or_default()
            .to_owned();
        let message = e.get("message").map(text).unwrap_or_default();
        let details = e
            .pointer("/innererror/errordetails")
            .and_then(|d| d.as_array())
            .map(|arr| {
                arr.iter()
                    .map(|d| SapMessage {
                        code: d
                            .get("code")
                            .and_then(|c| c.as_str())
                            .unwrap_or_default()
                            .into(),
                        message: d.get("message").map(text).unwrap_or_default(),
                        target: d
                            .get("target")
                            .and_then(|c| c.as_str())
                            .filter(|t| !t.is_empty())
                            .or_else(|| d.get("propertyref").and_then(|c| c.as_str()))
                            .unwrap_or_default()
                            .into(),
                        severity: d
                            .get("severity")
                            .and_then(|c| c.as_str())
                            .unwrap_or("error")
                            .into(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if code.is_empty() && message.is_empty() {
            return None;
        }
        return Some(ErrorBody {
            code,
            message,
            details,
        });
    }
    if body.contains("<error") {
        let tag = |name: &str| -> Option<String> {
            let start = body.find(&format!("<{name}"))?;
            let open_end = body[start..].find('>')? + start + 1;
            let close = body[open_end..].find(&format!("</{name}>"))? + open_end;
            Some(xml_unescape(body[open_end..close].trim()))
        };
        let code = tag("code").unwrap_or_default();
        let message = tag("message").unwrap_or_default();
        if !code.is_empty() || !message.is_empty() {
            return Some(ErrorBody {
                code,
                message,
                details: Vec::new(),
            });
        }
    }
    let text = plain_text(body);
    (!text.is_empty()).then(|| ErrorBody {
        code: String::new(),
        message: text,
        details: Vec::new(),
    })
}

/// The readable text of an HTML or plain body, tags removed, whitespace collapsed, at most
/// 300 characters.
fn plain_text(body: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let collapsed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.chars().take(300).collect()
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Row {
        #[serde(with = "sap_date")]
        date: NaiveDate,
        #[serde(with = "sap_date_opt", default)]
        maybe: Option<NaiveDate>,
        #[serde(with = "sap_decimal")]
        amount: Decimal,
        #[serde(with = "sap_decimal_opt", default)]
        opt: Option<Decimal>,
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn dates_round_trip_through_the_odata_form() {
        let day = NaiveDate::from_ymd_opt(2016, 7, 2).unwrap();
        assert_eq!(format_date(day), "/Date(1467417600000)/");
        assert_eq!(parse_date("/Date(1467417600000)/"), Some(day));
        assert_eq!(parse_date("/Date(1467417600000+0120)/"), Some(day));
        assert_eq!(parse_date("2016-07-02T00:00:00"), Some(day));
        assert_eq!(
            parse_date("/Date(-86400000)/"),
            NaiveDate::from_ymd_opt(1969, 12, 31)
        );
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn decimals_are_read_from_strings_and_numbers_and_written_as_strings() {
        let r: Row = serde_json::from_str(
            r#"{"date":"/Date(1467417600000)/","maybe":null,"amount":"1511.63","opt":0.1}"#,
        )
        .unwrap();
        assert_eq!(r.amount, d("1511.63"));
        assert_eq!(r.opt, Some(d("0.1")));
        assert_eq!(r.maybe, None);
        let r2: Row = serde_json::from_str(r#"{"date":"/Date(0)/","amount":42,"opt":""}"#).unwrap();
        assert_eq!((r2.amount, r2.opt), (d("42"), None));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["amount"], "1511.63");
        assert_eq!(v["date"], "/Date(1467417600000)/");
        assert!(serde_json::from_str::<Row>(r#"{"date":"/Date(0)/","amount":"12,5"}"#).is_err());
        assert_eq!(format_decimal(d("2.005"), 2), "2.01");
        assert_eq!(format_decimal(d("7"), 2), "7.00");
        assert_eq!(format_decimal(d("-1.5"), 0), "-2");
    }

    #[test]
    fn literals_and_encoding() {
        assert_eq!(string_literal("O'Neil"), "'O''Neil'");
        assert_eq!(encode("a eq 'x/1'"), "a%20eq%20%27x%2F1%27");
    }

    #[test]
    fn sap_error_bodies_give_code_message_and_details() {
        let body = r#"{"error":{"code":"M8/108","message":{"lang":"en","value":"Check if invoice already entered under accounting document no. 5105600001 2024"},"innererror":{"errordetails":[{"code":"M8/108","message":"Check if invoice already entered","propertyref":"","severity":"error","target":""},{"code":"/IWBEP/CX_MGW_BUSI_EXCEPTION","message":"x","propertyref":"A_SupplierInvoiceType/InvoiceGrossAmount","severity":"warning","target":""}]}}}"#;
        let e = parse_error_body(body).unwrap();
        assert_eq!(e.code, "M8/108");
        assert!(e.message.contains("5105600001"));
        assert_eq!(e.details.len(), 2);
        assert_eq!(
            e.details[1].target,
            "A_SupplierInvoiceType/InvoiceGrossAmount"
        );
        assert_eq!(e.details[1].severity, "warning");

        let v4 = parse_error_body(r#"{"error":{"code":"X1","message":"plain"}}"#).unwrap();
        assert_eq!((v4.code.as_str(), v4.message.as_str()), ("X1", "plain"));

        let xml = parse_error_body(
            r#"<?xml version="1.0"?><error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><code>SY/530</code><message xml:lang="en">Value &amp; is invalid</message></error>"#,
        )
        .unwrap();
        assert_eq!(
            (xml.code.as_str(), xml.message.as_str()),
            ("SY/530", "Value & is invalid")
        );

        let html =
            parse_error_body("<html><body><h1>503 Service Unavailable</h1>ICM</body></html>")
                .unwrap();
        assert_eq!(html.message, "503 Service Unavailable ICM");
        assert!(parse_error_body("   ").is_none());
        assert!(parse_error_body(r#"{"something":"else"}"#).is_none());
        let oauth = parse_error_body(
            r#"{"error":"invalid_client","error_description":"Bad client credentials"}"#,
        )
        .unwrap();
        assert_eq!(
            (oauth.code.as_str(), oauth.message.as_str()),
            ("invalid_client", "Bad client credentials")
        );
    }
}
