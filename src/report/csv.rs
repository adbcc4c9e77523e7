//! Tables as CSV (RFC 4180 quoting by the `csv` crate), safe to open in a spreadsheet: a cell a
//! spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return) is prefixed with `'`, so a visitor's comment or query can never become a formula on an
//! editor's machine (OWASP, "CSV injection"). A checked number `+18005551234` is exported as
//! `'+18005551234` for the same reason.

use std::borrow::Cow;

use super::tables::Table;

/// `table` as CSV: the header row, then every row.
pub fn to_csv(table: &Table) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail, and every row has as many cells as the header (the writer
    // would refuse otherwise): any error here is a bug in `tables.rs`, reported as text.
    let written = writer
        .write_record(table.headers.iter().copied())
        .and_then(|()| {
            table.rows.iter().try_for_each(|row| {
                writer.write_record(row.iter().map(|cell| neutralised(cell).into_owned()))
            })
        });
    if let Err(error) = written {
        return format!("error writing {}: {error}\r\n", table.name);
    }
    match writer.into_inner() {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(error) => format!("error writing {}: {}\r\n", table.name, error.error()),
    }
}

/// `cell`, prefixed with `'` when a spreadsheet would read it as a formula.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_neutralises_formulas() {
        let table = Table {
            name: "t",
            title: "T",
            headers: &["query", "count"],
            rows: vec![
                vec!["=HYPERLINK(\"http://x\")".into(), "1".into()],
                vec!["a, \"b\"\nc".into(), "2".into()],
                vec!["+18005551234".into(), "3".into()],
                vec!["@SUM(A1)".into(), "-4".into()],
            ],
        };
        assert_eq!(
            to_csv(&table),
            "query,count\r\n\"'=HYPERLINK(\"\"http://x\"\")\",1\r\n\"a, \"\"b\"\"\nc\",2\r\n\
             '+18005551234,3\r\n'@SUM(A1),'-4\r\n"
        );
    }
}
