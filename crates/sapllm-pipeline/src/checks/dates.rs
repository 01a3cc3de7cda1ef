//! Plausibility checks between the dates of an accounts-payable document.
//!
//! The clock is injected (`today`): these functions never read the system
//! time, so results are reproducible in tests, re-runs and audits.
//!
//! Missing dates are not reported here (whether a date is mandatory is a
//! field-level rule); a check that needs a missing date is simply skipped.
//! All date arithmetic is checked, so extreme dates (near
//! `NaiveDate::MIN`/`MAX`) skip the affected check instead of panicking.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

/// Default for [`DateLimits::max_issue_age_years`]: older invoices are
/// beyond the usual retention and dispute horizon and are mostly OCR year
/// errors (`2015` read for `2025`).
pub const MAX_ISSUE_AGE_YEARS: u32 = 5;

/// Tunable limits for [`check_dates_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateLimits {
    /// Issue dates more than this many days after `today` are reported.
    /// One day absorbs time-zone differences between supplier and us.
    pub future_tolerance_days: u64,
    /// Issue dates more than this many years before `today` are reported.
    pub max_issue_age_years: u32,
    /// Delivery more than this many months after the issue date is
    /// reported (advance invoices are normal, a year ahead is not).
    pub max_delivery_after_issue_months: u32,
    /// Delivery more than this many months before the issue date is
    /// reported (invoicing years after delivery is unusual).
    pub max_delivery_before_issue_months: u32,
    /// Due dates more than this many days after the issue date are
    /// reported (payment terms beyond a year are implausible).
    pub max_payment_term_days: u64,
}

impl Default for DateLimits {
    fn default() -> Self {
        Self {
            future_tolerance_days: 1,
            max_issue_age_years: MAX_ISSUE_AGE_YEARS,
            max_delivery_after_issue_months: 12,
            max_delivery_before_issue_months: 12 * MAX_ISSUE_AGE_YEARS,
            max_payment_term_days: 365,
        }
    }
}

/// One finding of [`check_dates`]. Each carries the dates involved so the
/// reviewer sees them without reloading the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DateIssue {
    /// Issue date more than the tolerance (default 1 day) after today.
    IssueInFuture {
        /// Issue date found on the document.
        issue: NaiveDate,
        /// The injected "today".
        today: NaiveDate,
    },
    /// Issue date older than the configured number of years.
    IssueTooOld {
        /// Issue date found on the document.
        issue: NaiveDate,
        /// The limit that was exceeded.
        max_years: u32,
    },
    /// Due date before the issue date.
    DueBeforeIssue {
        /// Issue date.
        issue: NaiveDate,
        /// Due date.
        due: NaiveDate,
    },
    /// Due date implausibly far after the issue date.
    PaymentTermTooLong {
        /// Issue date.
        issue: NaiveDate,
        /// Due date.
        due: NaiveDate,
        /// Days between issue and due date.
        days: i64,
    },
    /// Delivery more than the limit (default a year) after the issue date.
    DeliveryLongAfterIssue {
        /// Issue date.
        issue: NaiveDate,
        /// Delivery / service date.
        delivery: NaiveDate,
    },
    /// Delivery more than the limit (default five years) before the issue
    /// date.
    DeliveryLongBeforeIssue {
        /// Issue date.
        issue: NaiveDate,
        /// Delivery / service date.
        delivery: NaiveDate,
    },
}

/// Checks the dates of a document with the default [`DateLimits`].
pub fn check_dates(
    issue: Option<NaiveDate>,
    due: Option<NaiveDate>,
    delivery: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<DateIssue> {
    check_dates_with(issue, due, delivery, today, &DateLimits::default())
}

/// Checks the dates of a document with explicit limits.
pub fn check_dates_with(
    issue: Option<NaiveDate>,
    due: Option<NaiveDate>,
    delivery: Option<NaiveDate>,
    today: NaiveDate,
    limits: &DateLimits,
) -> Vec<DateIssue> {
    let mut issues = Vec::new();
    let Some(issue) = issue else {
        // Every remaining rule compares against the issue date.
        return issues;
    };

    let latest_issue = today.checked_add_days(Days::new(limits.future_tolerance_days));
    if latest_issue.is_some_and(|latest| issue > latest) {
        issues.push(DateIssue::IssueInFuture { issue, today });
    }
    let earliest_issue = limits
        .max_issue_age_years
        .checked_mul(12)
        .and_then(|m| today.checked_sub_months(Months::new(m)));
    if earliest_issue.is_some_and(|earliest| issue < earliest) {
        issues.push(DateIssue::IssueTooOld {
            issue,
            max_years: limits.max_issue_age_years,
        });
    }

    if let Some(due) = due {
        if due < issue {
            issues.push(DateIssue::DueBeforeIssue { issue, due });
        } else if issue
            .checked_add_days(Days::new(limits.max_payment_term_days))
            .is_some_and(|latest_due| due > latest_due)
        {
            issues.push(DateIssue::PaymentTermTooLong {
                issue,
                due,
                days: (due - issue).num_days(),
            });
        }
    }

    if let Some(delivery) = delivery {
        let after_limit =
            issue.checked_add_months(Months::new(limits.max_delivery_after_issue_months));
        let before_limit =
            issue.checked_sub_months(Months::new(limits.max_delivery_before_issue_months));
        if after_limit.is_some_and(|limit| delivery > limit) {
            issues.push(DateIssue::DeliveryLongAfterIssue { issue, delivery });
        } else if before_limit.is_some_and(|limit| delivery < limit) {
            issues.push(DateIssue::DeliveryLongBeforeIssue { issue, delivery });
        }
    }

    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn today() -> NaiveDate {
        date(2025, 6, 15)
    }

    #[test]
    fn consistent_invoice_has_no_issues() {
        let issues = check_dates(
            Some(date(2025, 6, 1)),
            Some(date(2025, 7, 1)),
            Some(date(2025, 5, 28)),
            today(),
        );
        assert!(issues.is_empty(), "{issues:?}");
    }

    #[test]
    fn no_dates_no_issues() {
        assert!(check_dates(None, None, None, today()).is_empty());
        // Without an issue date nothing can be compared.
        assert!(
            check_dates(
                None,
                Some(date(1990, 1, 1)),
                Some(date(2090, 1, 1)),
                today()
            )
            .is_empty()
        );
    }

    #[test]
    fn issue_in_future_respects_one_day_tolerance() {
        assert!(check_dates(Some(date(2025, 6, 16)), None, None, today()).is_empty());
        assert_eq!(
            check_dates(Some(date(2025, 6, 17)), None, None, today()),
            vec![DateIssue::IssueInFuture {
                issue: date(2025, 6, 17),
                today: today()
            }]
        );
    }

    #[test]
    fn issue_too_old() {
        // Exactly five years is still fine, one day more is not.
        assert!(check_dates(Some(date(2020, 6, 15)), None, None, today()).is_empty());
        assert_eq!(
            check_dates(Some(date(2020, 6, 14)), None, None, today()),
            vec![DateIssue::IssueTooOld {
                issue: date(2020, 6, 14),
                max_years: 5
            }]
        );
        // Configurable: with a ten-year limit the 2020 H2 invoices pass.
        let limits = DateLimits {
            max_issue_age_years: 10,
            ..DateLimits::default()
        };
        assert!(check_dates_with(Some(date(2020, 6, 14)), None, None, today(), &limits).is_empty());
    }

    #[test]
    fn due_before_issue() {
        assert_eq!(
            check_dates(
                Some(date(2025, 6, 1)),
                Some(date(2025, 5, 31)),
                None,
                today()
            ),
            vec![DateIssue::DueBeforeIssue {
                issue: date(2025, 6, 1),
                due: date(2025, 5, 31)
            }]
        );
        // Due on the issue date ("payable immediately") is fine.
        assert!(
            check_dates(
                Some(date(2025, 6, 1)),
                Some(date(2025, 6, 1)),
                None,
                today()
            )
            .is_empty()
        );
    }

    #[test]
    fn payment_term_too_long() {
        assert!(
            check_dates(
                Some(date(2025, 1, 1)),
                Some(date(2026, 1, 1)),
                None,
                today()
            )
            .is_empty()
        );
        assert_eq!(
            check_dates(
                Some(date(2025, 1, 1)),
                Some(date(2026, 1, 2)),
                None,
                today()
            ),
            vec![DateIssue::PaymentTermTooLong {
                issue: date(2025, 1, 1),
                due: date(2026, 1, 2),
                days: 366
            }]
        );
    }

    #[test]
    fn delivery_long_after_issue() {
        assert!(
            check_dates(
                Some(date(2025, 1, 10)),
                None,
                Some(date(2026, 1, 10)),
                today()
            )
            .is_empty()
        );
        assert_eq!(
            check_dates(
                Some(date(2025, 1, 10)),
                None,
                Some(date(2026, 1, 11)),
                today()
            ),
            vec![DateIssue::DeliveryLongAfterIssue {
                issue: date(2025, 1, 10),
                delivery: date(2026, 1, 11)
            }]
        );
    }

    #[test]
    fn delivery_long_before_issue() {
        assert_eq!(
            check_dates(
                Some(date(2025, 6, 1)),
                None,
                Some(date(2019, 1, 1)),
                today()
            ),
            vec![DateIssue::DeliveryLongBeforeIssue {
                issue: date(2025, 6, 1),
                delivery: date(2019, 1, 1)
            }]
        );
    }

    #[test]
    fn several_issues_at_once() {
        let issues = check_dates(
            Some(date(2030, 1, 1)),
            Some(date(2029, 12, 1)),
            Some(date(2031, 6, 1)),
            today(),
        );
        assert_eq!(issues.len(), 3, "{issues:?}");
        assert!(matches!(issues[0], DateIssue::IssueInFuture { .. }));
        assert!(matches!(issues[1], DateIssue::DueBeforeIssue { .. }));
        assert!(matches!(
            issues[2],
            DateIssue::DeliveryLongAfterIssue { .. }
        ));
    }

    #[test]
    fn leap_day_today() {
        // Five years before 2024-02-29 is 2019-02-28 (chrono clamps).
        let today = date(2024, 2, 29);
        assert!(check_dates(Some(date(2019, 2, 28)), None, None, today).is_empty());
        assert_eq!(
            check_dates(Some(date(2019, 2, 27)), None, None, today).len(),
            1
        );
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let limits = DateLimits {
            future_tolerance_days: u64::MAX,
            max_issue_age_years: u32::MAX,
            max_delivery_after_issue_months: u32::MAX,
            max_delivery_before_issue_months: u32::MAX,
            max_payment_term_days: u64::MAX,
        };
        let extremes = [NaiveDate::MIN, NaiveDate::MAX, date(1970, 1, 1), today()];
        for &a in &extremes {
            for &b in &extremes {
                for &c in &extremes {
                    for &t in &extremes {
                        let _ = check_dates(Some(a), Some(b), Some(c), t);
                        let _ = check_dates_with(Some(a), Some(b), Some(c), t, &limits);
                    }
                }
            }
        }
    }

    #[test]
    fn serializes_with_kind_tag() {
        let json = serde_json::to_string(&DateIssue::DueBeforeIssue {
            issue: date(2025, 6, 1),
            due: date(2025, 5, 31),
        })
        .expect("serialize");
        assert_eq!(
            json,
            r#"{"kind":"due_before_issue","issue":"2025-06-01","due":"2025-05-31"}"#
        );
    }
}
