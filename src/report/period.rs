//! The period a report or the dashboard covers, from what an editor typed: the last N days
//! (today included, whole UTC days) or a range of dates (both included). Shared by
//! `helpcenter report --since/--until` and the dashboard's period form.

use time::Date;
use time::macros::format_description;

use crate::store::{DAY_SECONDS, Period};

/// Longest period accepted, in days (the retention period is at most ten years, but a chart of
/// more than a year of days is unreadable: ask for two periods).
pub const MAX_DAYS: i64 = 400;

/// A period as chosen, before it is fixed to seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The last N days, today included.
    LastDays(i64),
    /// From one date to another, both included.
    Dates {
        /// The first day.
        from: Date,
        /// The last day.
        to: Date,
    },
}

/// Why a period was refused; the message says what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Neither `Nd` nor a date.
    #[error("`{0}` is neither a number of days such as 7d nor a date such as 2026-11-01")]
    Since(String),
    /// Not a date.
    #[error("`{0}` is not a date such as 2026-11-30")]
    Date(String),
    /// The range ends before it starts.
    #[error("the period ends ({to}) before it starts ({from})")]
    Backwards {
        /// The first day.
        from: String,
        /// The last day.
        to: String,
    },
    /// Zero days, or more than [`MAX_DAYS`].
    #[error("a period is 1 to {MAX_DAYS} days long; this one is {0}")]
    Length(i64),
}

/// Parses a date `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, PeriodError> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| PeriodError::Date(text.chars().take(40).collect()))
}

/// Parses `--since`/`--until`: `7d` (the last seven days; `--until` is then not allowed to move
/// the end) or a first date with an optional last date (default today).
pub fn parse_since(since: &str, until: Option<&str>) -> Result<Choice, PeriodError> {
    let since = since.trim();
    if let Some(days) = since.strip_suffix('d').and_then(|n| n.parse::<i64>().ok()) {
        if let Some(until) = until {
            let to = parse_date(until)?;
            let from = to - time::Duration::days(days - 1);
            return checked(Choice::Dates { from, to });
        }
        return checked(Choice::LastDays(days));
    }
    let from =
        parse_date(since).map_err(|_| PeriodError::Since(since.chars().take(40).collect()))?;
    let to = match until {
        Some(until) => parse_date(until)?,
        None => today(crate::store::now()),
    };
    checked(Choice::Dates { from, to })
}

/// `choice` when its length is within bounds.
pub fn checked(choice: Choice) -> Result<Choice, PeriodError> {
    let days = match choice {
        Choice::LastDays(days) => days,
        Choice::Dates { from, to } => {
            if to < from {
                return Err(PeriodError::Backwards {
                    from: from.to_string(),
                    to: to.to_string(),
                });
            }
            (to - from).whole_days() + 1
        }
    };
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(PeriodError::Length(days));
    }
    Ok(choice)
}

impl Choice {
    /// The period in Unix seconds, given the time now: whole UTC days, the last one ending at the
    /// end of today (or of the last date).
    pub fn period(self, now: i64) -> Period {
        match self {
            Choice::LastDays(days) => {
                let until = (now.div_euclid(DAY_SECONDS) + 1) * DAY_SECONDS;
                Period {
                    since: until - days * DAY_SECONDS,
                    until,
                }
            }
            Choice::Dates { from, to } => Period {
                since: day_start(from),
                until: day_start(to) + DAY_SECONDS,
            },
        }
    }
}

/// The first second of `date` (UTC).
fn day_start(date: Date) -> i64 {
    date.midnight().assume_utc().unix_timestamp()
}

/// Today's date (UTC) at `now`.
pub fn today(now: i64) -> Date {
    time::OffsetDateTime::from_unix_timestamp(now)
        .map(|moment| moment.date())
        .unwrap_or(Date::MIN)
}

/// The first and last dates of `period` (`until` is excluded), as `YYYY-MM-DD`.
pub fn dates(period: Period) -> (String, String) {
    (
        crate::store::date_of_day(period.since.div_euclid(DAY_SECONDS)),
        crate::store::date_of_day((period.until - 1).div_euclid(DAY_SECONDS)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_days_are_whole_days_ending_today() {
        // 2026-11-30 12:00 UTC.
        let now = 1_796_040_000;
        let period = Choice::LastDays(7).period(now);
        assert_eq!(dates(period), ("2026-11-24".into(), "2026-11-30".into()));
        assert_eq!(period.until - period.since, 7 * DAY_SECONDS);
    }

    #[test]
    fn dates_include_both_ends_and_bad_ones_are_refused() {
        let choice = parse_since("2026-11-01", Some("2026-11-30")).expect("valid");
        let period = choice.period(0);
        assert_eq!(dates(period), ("2026-11-01".into(), "2026-11-30".into()));
        assert_eq!(
            parse_since("7d", Some("2026-11-30")).map(|c| dates(c.period(0))),
            Ok(("2026-11-24".into(), "2026-11-30".into()))
        );
        assert!(matches!(
            parse_since("yesterday", None),
            Err(PeriodError::Since(_))
        ));
        assert!(matches!(
            parse_since("0d", None),
            Err(PeriodError::Length(0))
        ));
        assert!(matches!(
            parse_since("9999d", None),
            Err(PeriodError::Length(_))
        ));
        assert!(matches!(
            parse_since("2026-11-30", Some("2026-11-01")),
            Err(PeriodError::Backwards { .. })
        ));
        assert!(matches!(
            parse_since("2026-02-30", None),
            Err(PeriodError::Since(_))
        ));
    }
}
