//! Content TOML parsed with every problem placed at its file and line.
//!
//! The helpers that find a line in a file's text live here too: every located message about a
//! TOML file goes through them.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::Problem;
use super::sources::SourceFile;

/// Parses a whole TOML file, reporting a syntax or shape error with its line.
pub(super) fn parse_toml<T: DeserializeOwned>(
    file: &SourceFile,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match toml::from_str::<T>(&file.text) {
        Ok(value) => Some(value),
        Err(error) => {
            problems.push(toml_problem(&file.path, &file.text, &error, 0));
            None
        }
    }
}

/// Converts a TOML error into a problem; `line_offset` is added for TOML embedded in another file.
pub(super) fn toml_problem(
    path: &str,
    text: &str,
    error: &toml::de::Error,
    line_offset: usize,
) -> Problem {
    Problem {
        path: path.to_string(),
        line: error
            .span()
            .map(|span| line_at(text, span.start) + line_offset),
        message: error.message().trim().to_string(),
    }
}

/// Parses a TOML file made of one array of tables (`[[key]]`).
pub(super) fn parse_list<T: DeserializeOwned>(
    file: &SourceFile,
    key: &'static str,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    #[derive(Deserialize)]
    struct List<T> {
        #[serde(default = "Vec::new")]
        items: Vec<T>,
    }
    let table: toml::Table = match toml::from_str(&file.text) {
        Ok(table) => table,
        Err(error) => {
            problems.push(toml_problem(&file.path, &file.text, &error, 0));
            return Vec::new();
        }
    };
    if let Some(other) = table.keys().find(|k| *k != key) {
        problems.push(Problem {
            path: file.path.clone(),
            line: find_line(&file.text, other),
            message: format!("unknown key `{other}`; this file holds only `[[{key}]]` tables"),
        });
    }
    // Parse each table separately from the source so errors keep their line numbers.
    let mut items = Vec::new();
    for (start, chunk) in split_tables(&file.text, key) {
        let chunk_text = format!("[[items]]\n{chunk}");
        match toml::from_str::<List<T>>(&chunk_text) {
            Ok(list) => items.extend(list.items),
            Err(error) => {
                problems.push(toml_problem(&file.path, &chunk_text, &error, start - 1));
            }
        }
    }
    items
}

/// Splits a file of `[[key]]` tables into (line of the header, body text up to the next header).
/// Sub-tables such as `[[key.numbers]]` stay with their parent.
fn split_tables(text: &str, key: &str) -> Vec<(usize, String)> {
    let header = format!("[[{key}]]");
    let sub_prefix = format!("[[{key}.");
    let sub_table_prefix = format!("[{key}.");
    let mut tables: Vec<(usize, String)> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed == header {
            tables.push((number + 1, String::new()));
        } else if let Some((_, body)) = tables.last_mut() {
            // Sub-tables are rewritten to hang off the placeholder key.
            let rewritten = if let Some(rest) = trimmed.strip_prefix(&sub_prefix) {
                format!("[[items.{rest}")
            } else if let Some(rest) = trimmed.strip_prefix(&sub_table_prefix) {
                format!("[items.{rest}")
            } else {
                line.to_string()
            };
            body.push_str(&rewritten);
            body.push('\n');
        }
    }
    tables
}

/// 1-based line of the first occurrence of `needle` in `text`.
pub(super) fn find_line(text: &str, needle: &str) -> Option<usize> {
    find_nth_line(text, needle, 1)
}

/// 1-based line of the first occurrence of `needle` on or after line `from` (1-based) of `text`.
pub(super) fn find_line_from(text: &str, from: usize, needle: &str) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(from.saturating_sub(1))
        .map(str::len)
        .sum();
    let offset = text.get(start..)?.find(needle)?;
    Some(line_at(text, start + offset))
}

/// 1-based line of the `nth` occurrence of `needle` in `text`.
pub(super) fn find_nth_line(text: &str, needle: &str, nth: usize) -> Option<usize> {
    let (offset, _) = text.match_indices(needle).nth(nth.checked_sub(1)?)?;
    Some(line_at(text, offset))
}

/// 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_tables_keeps_sub_tables_with_their_parent() {
        let text = "# c\n[[contact]]\nid = \"a\"\n[[contact.numbers]]\ndisplay = \"1\"\n\n[[contact]]\nid = \"b\"\n";
        let tables = split_tables(text, "contact");
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].0, 2);
        assert!(tables[0].1.contains("[[items.numbers]]"));
        assert_eq!(tables[1].0, 7);
    }
}
