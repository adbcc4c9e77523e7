//! `helpcenter report [--since 7d] [--format table|csv|json]`: the editors' dashboard figures on
//! the command line, from the same read queries (`store::Store::report`).
//!
//! - `period.rs`: the period from `--since`/`--until` (and from the dashboard's form);
//! - `tables.rs`: the figures as named tables of text cells (also the dashboard's CSV exports);
//! - `csv.rs`: tables as spreadsheet-safe CSV.

pub mod csv;
pub mod period;
pub mod tables;

use std::fmt::Write as _;

use crate::store::{Location, Report, Store, StoreError};

/// How many rows each list of queries and comments holds, unless `--limit` says otherwise.
pub const DEFAULT_LIMIT: u32 = 20;

/// Options of `helpcenter report`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// The period: `7d` (the last seven days, today included, UTC) or a first date `2026-11-01`.
    #[arg(long, default_value = "7d", value_name = "Nd|DATE")]
    pub since: String,
    /// The last day of the period (a date, included); default today. With `--since Nd`, the N days
    /// ending on this date.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// How to print the figures: aligned text, CSV (spreadsheet-safe), or JSON.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Print only this table (searches-per-day, top-queries, zero-result-queries,
    /// no-click-queries, unknown-numbers, pages, reasons, comments).
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// Rows in each list of queries and comments.
    #[arg(long, default_value_t = DEFAULT_LIMIT)]
    pub limit: u32,
    /// The store to read, as for `serve`: a SQLite file or a `postgres://` URL.
    #[arg(long, env = "HELPCENTER_DATABASE", value_name = "PATH|URL", default_value = crate::store::DEFAULT_DATABASE)]
    pub database: String,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns, one block per table.
    Table,
    /// CSV: one table alone with `--table`, otherwise every table, each after a `# name` line
    /// and separated by an empty line.
    Csv,
    /// One JSON document with every figure.
    Json,
}

/// Why the report could not be printed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// `--since`/`--until` are not a period.
    #[error("--since / --until: {0}")]
    Period(#[from] period::PeriodError),
    /// `--database` is not a store location, or is `off`.
    #[error("--database / HELPCENTER_DATABASE: {0}")]
    Location(String),
    /// The SQLite file does not exist (reading never creates one).
    #[error("no database at {0} (the server creates it when it first starts)")]
    Missing(String),
    /// `--table` names no table.
    #[error("--table: `{0}` is not one of {names}", names = tables::NAMES.join(", "))]
    Table(String),
    /// `--limit` is zero or absurd.
    #[error("--limit: {0} is not between 1 and 1000")]
    Limit(u32),
    /// The store could not be opened or read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The figures could not be written as JSON.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Reads the figures `args` ask for and returns the text to print.
pub async fn run(args: &ReportArgs) -> Result<String, ReportError> {
    let choice = period::parse_since(&args.since, args.until.as_deref())?;
    if let Some(name) = &args.table
        && !tables::NAMES.contains(&name.as_str())
    {
        return Err(ReportError::Table(name.chars().take(40).collect()));
    }
    if !(1..=1000).contains(&args.limit) {
        return Err(ReportError::Limit(args.limit));
    }
    let location = Location::parse(&args.database)
        .map_err(|error| ReportError::Location(error.to_string()))?;
    match &location {
        Location::Off => return Err(ReportError::Location("the store is off".into())),
        Location::Sqlite(path) if !path.exists() => {
            return Err(ReportError::Missing(path.display().to_string()));
        }
        _ => {}
    }
    let store = Store::open(&location).await?;
    let report = store
        .report(choice.period(crate::store::now()), i64::from(args.limit))
        .await;
    store.close().await;
    render(
        &report?,
        store.backend().as_str(),
        args.format,
        args.table.as_deref(),
    )
}

/// `report` in `format`, every table or only `only`.
pub fn render(
    report: &Report,
    backend: &str,
    format: Format,
    only: Option<&str>,
) -> Result<String, ReportError> {
    let chosen: Vec<tables::Table> = match only {
        Some(name) => tables::table(report, name)
            .ok_or_else(|| ReportError::Table(name.chars().take(40).collect()))
            .map(|table| vec![table])?,
        None => tables::tables(report),
    };
    let (from, to) = period::dates(report.period);
    Ok(match format {
        Format::Json => {
            let mut value = serde_json::json!({
                "format": "helpcenter-report",
                "format_version": 1,
                "from": from,
                "to": to,
                "backend": backend,
            });
            let figures = serde_json::to_value(report)?;
            if let (Some(into), serde_json::Value::Object(figures)) =
                (value.as_object_mut(), figures)
            {
                for (key, figure) in figures {
                    let name = key.replace('_', "-");
                    if only.is_none_or(|only| only == name) || key == "period" {
                        into.insert(key, figure);
                    }
                }
            }
            let mut text = serde_json::to_string_pretty(&value)?;
            text.push('\n');
            text
        }
        Format::Csv if only.is_some() => chosen.iter().map(csv::to_csv).collect(),
        Format::Csv => chosen
            .iter()
            .map(|table| format!("# {}\r\n{}", table.name, csv::to_csv(table)))
            .collect::<Vec<_>>()
            .join("\r\n"),
        Format::Table => {
            let mut text = format!("Period {from} to {to} (UTC), store: {backend}\n");
            for table in &chosen {
                text.push('\n');
                text.push_str(&aligned(table));
            }
            text
        }
    })
}

/// `table` as a heading and aligned columns (numbers right-aligned), or "(none)".
fn aligned(table: &tables::Table) -> String {
    let mut text = format!("{}\n", table.title);
    if table.rows.is_empty() {
        text.push_str("  (none)\n");
        return text;
    }
    let widths: Vec<usize> = (0..table.headers.len())
        .map(|column| {
            table
                .rows
                .iter()
                .map(|row| shown(&row[column]).chars().count())
                .chain([table.headers[column].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let numeric = |column: usize| tables::is_count_column(&table.rows, column);
    let line = |cells: Vec<String>| {
        let mut line = String::new();
        for (column, cell) in cells.iter().enumerate() {
            let width = widths[column];
            let _ = if numeric(column) {
                write!(line, "  {cell:>width$}")
            } else {
                write!(line, "  {cell:<width$}")
            };
        }
        line.truncate(line.trim_end().len());
        line.push('\n');
        line
    };
    text.push_str(&line(table.headers.iter().map(|h| h.to_string()).collect()));
    for row in &table.rows {
        text.push_str(&line(row.iter().map(|cell| shown(cell)).collect()));
    }
    text
}

/// A cell on one terminal line: line breaks and other control characters shown as spaces, so a
/// comment cannot move the cursor or fake a line of the report.
fn shown(cell: &str) -> String {
    cell.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
