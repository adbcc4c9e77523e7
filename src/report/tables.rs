//! The report's figures as named tables of text cells: the one description of each table's
//! columns, shared by the dashboard's CSV exports and `helpcenter report` (table and CSV formats).

use crate::store::{Reason, Report, date_of_day};

/// One table: a name (the export's file name and `--table`), a heading, and rows of cells under
/// the column headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Its name in addresses and on the command line.
    pub name: &'static str,
    /// Its heading.
    pub title: &'static str,
    /// The column headers.
    pub headers: &'static [&'static str],
    /// The rows, each as many cells as there are headers.
    pub rows: Vec<Vec<String>>,
}

/// Every table name, in the order the report shows them.
pub const NAMES: [&str; 8] = [
    "searches-per-day",
    "top-queries",
    "zero-result-queries",
    "no-click-queries",
    "unknown-numbers",
    "pages",
    "reasons",
    "comments",
];

/// Every table of `report`, in [`NAMES`] order.
pub fn tables(report: &Report) -> Vec<Table> {
    NAMES
        .iter()
        .filter_map(|name| table(report, name))
        .collect()
}

/// The table `name` of `report`, or `None` for a name not in [`NAMES`].
pub fn table(report: &Report, name: &str) -> Option<Table> {
    let counts = |rows: &[crate::store::QueryCount]| -> Vec<Vec<String>> {
        rows.iter()
            .map(|row| vec![row.query.clone(), row.count.to_string()])
            .collect()
    };
    let (name, title, headers, rows): (&'static str, &'static str, &'static [&'static str], _) =
        match name {
            "searches-per-day" => (
                "searches-per-day",
                "Searches per day",
                &["date", "searches", "no results", "no instant answer"],
                report
                    .searches_per_day
                    .iter()
                    .map(|day| {
                        vec![
                            day.date.clone(),
                            day.searches.to_string(),
                            day.no_results.to_string(),
                            day.no_answer.to_string(),
                        ]
                    })
                    .collect(),
            ),
            "top-queries" => (
                "top-queries",
                "Top queries",
                &["query", "searches"],
                counts(&report.top_queries),
            ),
            "zero-result-queries" => (
                "zero-result-queries",
                "Top queries with no results",
                &["query", "searches"],
                counts(&report.zero_result_queries),
            ),
            "no-click-queries" => (
                "no-click-queries",
                "Top queries with results but no result opened",
                &["query", "searches"],
                counts(&report.no_click_queries),
            ),
            "unknown-numbers" => (
                "unknown-numbers",
                "Unknown phone numbers checked",
                &["number", "checks"],
                counts(&report.unknown_numbers),
            ),
            "pages" => (
                "pages",
                "Was this helpful? per page",
                &["page", "form views", "yes", "no"],
                report
                    .pages
                    .iter()
                    .map(|page| {
                        vec![
                            page.page.clone(),
                            page.views.to_string(),
                            page.yes.to_string(),
                            page.no.to_string(),
                        ]
                    })
                    .collect(),
            ),
            "reasons" => (
                "reasons",
                "Reasons given for a no, per page",
                &["page", "reason", "answers"],
                report
                    .reasons
                    .iter()
                    .map(|row| {
                        vec![
                            row.page.clone(),
                            reason_label(Some(&row.reason)),
                            row.count.to_string(),
                        ]
                    })
                    .collect(),
            ),
            "comments" => (
                "comments",
                "Recent comments",
                &["date", "page", "helpful", "reason", "comment"],
                report
                    .comments
                    .iter()
                    .map(|row| {
                        vec![
                            date_of_day(row.at.div_euclid(crate::store::DAY_SECONDS)),
                            row.page.clone(),
                            if row.helpful { "yes" } else { "no" }.to_string(),
                            reason_label(row.reason.as_deref()),
                            row.comment.clone(),
                        ]
                    })
                    .collect(),
            ),
            _ => return None,
        };
    Some(Table {
        name,
        title,
        headers,
        rows,
    })
}

/// Whether a column of cells holds counts (right-aligned wherever a table is shown): every cell
/// is digits only. A phone number such as `+18005550199` is not a count.
pub fn is_count_column(rows: &[Vec<String>], column: usize) -> bool {
    !rows.is_empty()
        && rows.iter().all(|row| {
            row.get(column)
                .is_some_and(|cell| !cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// What the form called a stored reason (an unknown stored name is shown as stored).
pub fn reason_label(reason: Option<&str>) -> String {
    match reason {
        None => String::new(),
        Some(stored) => Reason::parse(stored).map_or(stored.to_string(), |r| r.label().to_string()),
    }
}
