//! The period the dashboard and its exports show, from the period form's query string:
//! `?period=7|30|90` (the last N days, today included; 30 when absent) or `?from=DATE&to=DATE`
//! (both days included). Anything else is a 400 that says what is accepted.

use serde::Deserialize;

use crate::report::period::{self, Choice};
use crate::store::Period;
use crate::web::error::WebError;

/// The periods offered as buttons, in days.
pub(crate) const OFFERED_DAYS: [i64; 3] = [7, 30, 90];
/// The period shown when none is asked for, in days.
const DEFAULT_DAYS: i64 = 30;

/// The period form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PeriodQuery {
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The period chosen, in every form the dashboard needs.
#[derive(Debug, Clone)]
pub(crate) struct Chosen {
    /// In seconds.
    pub period: Period,
    /// The last-N-days choice, when that is what was asked.
    pub days: Option<i64>,
    /// The first and last dates shown (`YYYY-MM-DD`).
    pub from: String,
    /// The last date.
    pub to: String,
    /// The query string that asks for this period again (for the export links).
    pub query: String,
}

/// A field's value, when it has one that is not blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The period `query` asks for, at `now`.
pub(crate) fn chosen(query: &PeriodQuery, now: i64) -> Result<Chosen, WebError> {
    let bad = |error: period::PeriodError| {
        WebError::BadRequest(format!(
            "The period is not one the dashboard can show: {error}. Choose the last 7, 30 or 90 \
             days, or two dates such as 2026-11-01 and 2026-11-30."
        ))
    };
    let choice = match (given(&query.from), given(&query.to)) {
        (Some(from), Some(to)) => period::checked(Choice::Dates {
            from: period::parse_date(from).map_err(bad)?,
            to: period::parse_date(to).map_err(bad)?,
        })
        .map_err(bad)?,
        (Some(_), None) | (None, Some(_)) => {
            return Err(WebError::BadRequest(
                "A period of dates needs both the first and the last day.".into(),
            ));
        }
        (None, None) => match given(&query.period) {
            None => Choice::LastDays(DEFAULT_DAYS),
            Some(days) => match days.parse::<i64>() {
                Ok(days) if OFFERED_DAYS.contains(&days) => Choice::LastDays(days),
                _ => {
                    return Err(WebError::BadRequest(
                        "The period is the last 7, 30 or 90 days, or two dates.".into(),
                    ));
                }
            },
        },
    };
    let period = choice.period(now);
    let (from, to) = period::dates(period);
    let (days, query) = match choice {
        Choice::LastDays(days) => (Some(days), format!("period={days}")),
        Choice::Dates { .. } => (None, format!("from={from}&to={to}")),
    };
    Ok(Chosen {
        period,
        days,
        from,
        to,
        query,
    })
}
