//! The structural rules of `src/` from the architecture issue, checked on the source text: no import
//! cycle between files, no file over 500 lines without a reason, no function over 120 lines.
//!
//! The source is read as text, not compiled. Comments, string and character literals are blanked
//! first (so a path in a doc comment or a string is not a dependency), then every
//! `#[cfg(test)] mod … { … }` block (unit tests may reach anywhere).
//!
//! **Cycles.** Each file of `src/` except `main.rs` (the binary is its own crate and reaches the
//! library by name, so no edge can point at it) is a node, named by its path under `src/`. A file's
//! module path comes from its place: `web/mod.rs` is `web`, `web/cache.rs` is `web::cache`. An edge
//! `a → b` means code in `a` names something that `b` defines:
//! - the paths counted are those starting with `crate::`, `super::` (repeated or not), `self::`, a
//!   child module the file declares (`mod x;`, then `x::…`), or a name a `use` bound to something of
//!   this crate (`use super::pages;`, then `pages::home::render`), in `use` declarations (grouped
//!   forms such as `use super::{a, b::{c, d}}` are expanded) and anywhere in code;
//! - a path resolves to the file of the longest module prefix it names: `crate::web::cache::X` is
//!   `web/cache.rs`, `crate::web::X` is `web/mod.rs`;
//! - when the next name after that prefix is one the file re-exports (`pub use`, any visibility), the
//!   path follows the re-export to the file that defines the item, so `crate::web::AppState` is
//!   `web/state.rs`. A `pub use` line is itself an edge only if the file's own code uses the name;
//!   otherwise it is the module's table of contents, not a dependency;
//! - a `use` that binds a module (`use super::pages;`) is not an edge by itself: the paths through
//!   that name are;
//! - `mod x;` is containment, not an edge. So a file naming its parent `mod.rs` (or `lib.rs`) is an
//!   ordinary edge (it uses what the parent defines), and the parent's edge back exists only where
//!   the parent's own code uses the child: `lib.rs` calling `watch::spawn` while `watch.rs` calls
//!   `crate::build_snapshot_with` is a cycle; `pages/article.rs` using `super::Crumb` is not;
//! - a file naming itself is not an edge.
//!
//! Each elementary cycle is listed once, starting at its alphabetically first file, with the path
//! that makes each edge.
//!
//! **Long files.** A file over [`MAX_FILE_LINES`] lines (all its lines) fails unless a line of its
//! opening `//!` block starts with `//! Long because` and gives the reason.
//!
//! **Long functions.** A function over [`MAX_FUNCTION_LINES`] lines fails; counted from the line of
//! its `fn` keyword to the line of its body's closing brace, both included, by matching braces in the
//! blanked text; functions inside test modules are not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Longest a file may be without a `//! Long because` line in its header.
const MAX_FILE_LINES: usize = 500;
/// Longest a function may be.
const MAX_FUNCTION_LINES: usize = 120;
/// The header line that allows a long file.
const LONG_FILE_MARKER: &str = "//! Long because";

#[test]
fn no_import_cycle_between_files_of_src() {
    let files = source_files();
    let graph = dependency_graph(&files);
    let edges: BTreeMap<String, BTreeSet<String>> = graph
        .iter()
        .map(|(from, targets)| (from.clone(), targets.keys().cloned().collect()))
        .collect();
    let cycles = find_cycles(&edges);
    let mut report = String::new();
    for cycle in &cycles {
        let mut line = cycle[0].clone();
        for (index, from) in cycle.iter().enumerate() {
            let to = &cycle[(index + 1) % cycle.len()];
            let evidence = &graph[from][to];
            let _ = write!(line, " → {to} (line {}: {})", evidence.line, evidence.path);
        }
        let _ = writeln!(report, "  {line}");
    }
    assert!(
        cycles.is_empty(),
        "{} import cycles between files of src/ (after each arrow: the line, in the file before \
         the arrow, of the first path that makes the edge):\n{report}",
        cycles.len()
    );
}

#[test]
fn no_file_of_src_is_over_500_lines_without_a_reason() {
    let mut long = Vec::new();
    for file in source_files() {
        let lines = file.text.lines().count();
        if lines > MAX_FILE_LINES && !has_long_file_marker(&file.text) {
            long.push(format!("  {}: {lines} lines", file.name));
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines without a `{LONG_FILE_MARKER} …` header line:\n{}",
        long.join("\n")
    );
}

#[test]
fn no_function_in_src_is_over_120_lines() {
    let mut long = Vec::new();
    for file in source_files() {
        for function in functions(&file.code) {
            if function.lines > MAX_FUNCTION_LINES {
                long.push(format!(
                    "  {}:{}: fn {}: {} lines",
                    file.name, function.line, function.name, function.lines
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines:\n{}",
        long.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Reading src/.

/// One file of `src/`.
struct SourceFile {
    /// Path under `src/`, with `/` separators.
    name: String,
    /// Module path (`["web", "cache"]`; empty for `lib.rs`); `None` for `main.rs`.
    module: Option<Vec<String>>,
    /// The text as written.
    text: String,
    /// The text with comments, literals and test modules blanked (same lines).
    code: String,
}

/// Every `.rs` file under `src/`, sorted by name.
fn source_files() -> Vec<SourceFile> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    collect_rs_files(&root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(&root)
                .expect("under src/")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
            let code = blank_test_modules(&blank_comments_and_literals(&text));
            SourceFile {
                module: module_path(&name),
                name,
                text,
                code,
            }
        })
        .collect()
}

fn collect_rs_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            collect_rs_files(&path, into);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            into.push(path);
        }
    }
}

/// The module path of a file under `src/`; `None` for the binary's root `main.rs`.
fn module_path(name: &str) -> Option<Vec<String>> {
    let stem = name.strip_suffix(".rs")?;
    if stem == "main" {
        return None;
    }
    let mut segments: Vec<String> = stem.split('/').map(str::to_string).collect();
    if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
        segments.pop();
    }
    Some(segments)
}

/// Whether the file's opening `//!` block has a line starting with [`LONG_FILE_MARKER`].
fn has_long_file_marker(text: &str) -> bool {
    text.lines()
        .take_while(|line| line.starts_with("//!"))
        .any(|line| line.starts_with(LONG_FILE_MARKER))
}

/// `text` with every comment, string, byte-string and character literal replaced by spaces; line
/// breaks stay, so positions keep their line numbers.
fn blank_comments_and_literals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = chars.clone();
    let blank = |out: &mut Vec<char>, from: usize, to: usize| {
        for c in out.iter_mut().take(to.min(chars.len())).skip(from) {
            if *c != '\n' {
                *c = ' ';
            }
        }
    };
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let after_ident = i > 0 && is_ident(chars[i - 1]);
        if c == '/' && next == Some('/') {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |n| i + n);
            blank(&mut out, i, end);
            i = end;
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            let mut j = i;
            while j < chars.len() {
                if chars[j] == '/' && chars.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if chars[j] == '*' && chars.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if !after_ident && let Some(end) = raw_string_end(&chars, i) {
            blank(&mut out, i, end);
            i = end;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if c == '\'' && next == Some('\\') {
            let mut j = i + 2;
            while j < chars.len() && chars[j] != '\'' {
                j += 1;
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            blank(&mut out, i, i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// Where a raw string literal (`r"…"`, `r#"…"#`, `br"…"`, …) starting at `i` ends, if one does.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if chars.get(j) == Some(&'b') || chars.get(j) == Some(&'c') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    j += hashes;
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"'
            && chars[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

/// `code` (already without comments and literals) with each `#[cfg(test)] mod name { … }` blanked.
fn blank_test_modules(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let marker: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + marker.len() <= out.len() {
        if out[i..i + marker.len()] != marker[..] {
            i += 1;
            continue;
        }
        let rest: String = out[i + marker.len()..].iter().collect();
        let mut trimmed = rest.trim_start();
        while trimmed.starts_with("#[") {
            let Some(close) = trimmed.find(']') else {
                break;
            };
            trimmed = trimmed[close + 1..].trim_start();
        }
        let skipped = rest.len() - trimmed.len();
        let is_module = trimmed.starts_with("mod ") || trimmed.starts_with("pub mod ");
        let open = trimmed.find(['{', ';']);
        match (is_module, open) {
            (true, Some(offset)) if trimmed[offset..].starts_with('{') => {
                let start = i + marker.len() + rest[..skipped + offset].chars().count();
                let end = matching_brace(&out, start).unwrap_or(out.len() - 1);
                for c in &mut out[i..=end] {
                    if *c != '\n' {
                        *c = ' ';
                    }
                }
                i = end + 1;
            }
            _ => i += marker.len(),
        }
    }
    out.into_iter().collect()
}

/// The index of the `}` closing the `{` at `open`.
fn matching_brace(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (index, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

/// The 1-based line of every char index in `chars` (one past the end included).
fn line_table(chars: &[char]) -> Vec<usize> {
    let mut line = 1;
    let mut table = Vec::with_capacity(chars.len() + 1);
    for &c in chars {
        table.push(line);
        if c == '\n' {
            line += 1;
        }
    }
    table.push(line);
    table
}

// ---------------------------------------------------------------------------------------------
// Paths and use declarations.

/// One path a `use` declaration brings in: `use a::{b, c as d}` brings `a::b` (bound as `b`) and
/// `a::c` (bound as `d`); `use a::*` brings `a` with no binding.
#[derive(Debug, PartialEq, Eq)]
struct UsePath {
    segments: Vec<String>,
    /// The name it is bound to; `None` for a glob.
    binding: Option<String>,
}

/// A `use` declaration in a file.
#[derive(Debug)]
struct UseDeclaration {
    /// `pub use`, `pub(crate) use`, …: a re-export.
    public: bool,
    /// 1-based line of the `use` keyword.
    line: usize,
    /// Char range of the whole declaration, up to its `;`.
    span: std::ops::Range<usize>,
    paths: Vec<UsePath>,
}

/// Expands a use tree such as `super::{a, b::{c, d as e}, self}` into its paths.
fn expand_use_tree(tree: &str) -> Vec<UsePath> {
    let compact: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    expand_into(&compact, &[], &mut out);
    out
}

fn expand_into(tree: &str, prefix: &[String], out: &mut Vec<UsePath>) {
    let tree = tree.trim().trim_start_matches("::").trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let mut base = prefix.to_vec();
        base.extend(split_segments(head));
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        for part in split_top_level(inner) {
            expand_into(part, &base, out);
        }
        return;
    }
    if tree.is_empty() {
        return;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((path, alias)) => (path.trim(), Some(alias.trim().to_string())),
        None => (tree, None),
    };
    let mut segments = prefix.to_vec();
    segments.extend(split_segments(path));
    match segments.last().map(String::as_str) {
        Some("*") => {
            segments.pop();
            out.push(UsePath {
                segments,
                binding: None,
            });
        }
        Some("self") => {
            segments.pop();
            let binding = alias.or_else(|| segments.last().cloned());
            out.push(UsePath { segments, binding });
        }
        Some(last) => {
            let binding = alias.or_else(|| Some(last.to_string()));
            out.push(UsePath { segments, binding });
        }
        None => {}
    }
}

fn split_segments(path: &str) -> Vec<String> {
    path.split("::")
        .map(str::trim)
        .filter(|segment| !segment.is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits `a, b::{c, d}, e` at the commas outside braces.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Every `use` declaration in `code`, at any depth (inside functions too).
fn use_declarations(code: &str) -> Vec<UseDeclaration> {
    let chars: Vec<char> = code.chars().collect();
    let lines = line_table(&chars);
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(offset) = find_word(&chars, i, "use") {
        let start_of_use = offset;
        let Some(end) = chars[offset..].iter().position(|&c| c == ';') else {
            break;
        };
        let end = offset + end;
        let tree: String = chars[offset + 3..end].iter().collect();
        found.push(UseDeclaration {
            public: is_public(&chars[..offset]),
            line: lines[start_of_use],
            span: offset..end + 1,
            paths: expand_use_tree(&tree),
        });
        i = end + 1;
    }
    found
}

/// Whether the text before a `use` ends with a visibility: `pub`, `pub(crate)`, `pub(super)`, ….
fn is_public(before: &[char]) -> bool {
    let before: String = before
        .iter()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let before = before.trim_end();
    let before = match before.strip_suffix(')') {
        Some(rest) => match rest.rfind('(') {
            Some(open) => rest[..open].trim_end(),
            None => return false,
        },
        None => before,
    };
    before.ends_with("pub")
        && !before[..before.len() - 3]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The char index of the next whole word `word` at or after `from`.
fn find_word(chars: &[char], from: usize, word: &str) -> Option<usize> {
    let word: Vec<char> = word.chars().collect();
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    (from..chars.len().saturating_sub(word.len() - 1)).find(|&i| {
        chars[i..i + word.len()] == word[..]
            && (i == 0 || !is_ident(chars[i - 1]))
            && chars.get(i + word.len()).is_none_or(|&c| !is_ident(c))
    })
}

/// Every path in `code` outside `skip` (the use declarations): a run of `ident::ident::…` that is
/// not itself the tail of a longer path, with its 1-based line. `$crate::` is left out.
fn code_paths(code: &str, skip: &[std::ops::Range<usize>]) -> Vec<(usize, Vec<String>)> {
    let chars: Vec<char> = code.chars().collect();
    let lines = line_table(&chars);
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(range) = skip.iter().find(|range| range.contains(&i)) {
            i = range.end;
            continue;
        }
        let starts_word =
            is_ident(chars[i]) && !chars[i].is_ascii_digit() && (i == 0 || !is_ident(chars[i - 1]));
        let after_path = i >= 2 && chars[i - 1] == ':' && chars[i - 2] == ':';
        let after_dollar = i >= 1 && chars[i - 1] == '$';
        if !starts_word || after_path || after_dollar {
            i += 1;
            continue;
        }
        let mut segments = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < chars.len() && is_ident(chars[j]) {
                j += 1;
            }
            segments.push(chars[start..j].iter().collect::<String>());
            let mut k = j;
            while k < chars.len() && chars[k] == ' ' {
                k += 1;
            }
            if chars.get(k) == Some(&':') && chars.get(k + 1) == Some(&':') {
                k += 2;
                while k < chars.len() && chars[k] == ' ' {
                    k += 1;
                }
                if chars.get(k).is_some_and(|&c| is_ident(c)) {
                    j = k;
                    continue;
                }
            }
            break;
        }
        if segments.len() > 1 {
            found.push((lines[i], segments));
        }
        i = j.max(i + 1);
    }
    found
}

// ---------------------------------------------------------------------------------------------
// The file graph.

/// Why an edge exists: the first path (as written, `::`-joined) that makes it, and its line.
#[derive(Debug, Clone)]
struct Evidence {
    path: String,
    line: usize,
}

/// Everything known about one file while building the graph.
struct FileFacts {
    /// Names bound by `use` to paths of this crate (absolute module paths).
    bindings: BTreeMap<String, Vec<String>>,
    /// Names bound by `use` to anything else (other crates, std): paths through them are ignored.
    external: BTreeSet<String>,
    /// Names re-exported by `pub use`, with the absolute path they stand for.
    reexports: BTreeMap<String, Vec<String>>,
    /// Child modules declared with `mod name;` or `mod name { … }`.
    children: BTreeSet<String>,
}

/// Turns a path as written in the file of module `module` into an absolute module path (without
/// `crate`), or `None` if it does not start at this crate.
fn absolute(module: &[String], facts: &FileFacts, segments: &[String]) -> Option<Vec<String>> {
    let first = segments.first()?.as_str();
    match first {
        "crate" => Some(segments[1..].to_vec()),
        "self" => Some(module.iter().chain(&segments[1..]).cloned().collect()),
        "super" => {
            let ups = segments.iter().take_while(|s| *s == "super").count();
            let keep = module.len().checked_sub(ups)?;
            Some(
                module[..keep]
                    .iter()
                    .chain(&segments[ups..])
                    .cloned()
                    .collect(),
            )
        }
        _ if facts.external.contains(first) => None,
        _ if facts.bindings.contains_key(first) => Some(
            facts.bindings[first]
                .iter()
                .chain(&segments[1..])
                .cloned()
                .collect(),
        ),
        _ if facts.children.contains(first) => {
            Some(module.iter().chain(segments).cloned().collect())
        }
        _ => None,
    }
}

/// Child modules declared in `code`.
fn child_modules(code: &str) -> BTreeSet<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut children = BTreeSet::new();
    let mut i = 0;
    while let Some(offset) = find_word(&chars, i, "mod") {
        let name: String = chars[offset + 3..]
            .iter()
            .skip_while(|c| c.is_whitespace())
            .take_while(|&&c| c.is_alphanumeric() || c == '_')
            .collect();
        if !name.is_empty() {
            children.insert(name);
        }
        i = offset + 3;
    }
    children
}

/// The file a module path belongs to, following re-exports; `None` outside the known modules.
fn resolve(
    path: &[String],
    modules: &BTreeMap<Vec<String>, usize>,
    facts: &[FileFacts],
) -> Option<usize> {
    let mut path = path.to_vec();
    for _ in 0..8 {
        let (length, &file) = (0..=path.len())
            .rev()
            .find_map(|length| modules.get(&path[..length]).map(|file| (length, file)))?;
        let Some(target) = path
            .get(length)
            .and_then(|name| facts[file].reexports.get(name))
        else {
            return Some(file);
        };
        let rest = path[length + 1..].to_vec();
        path = target.iter().cloned().chain(rest).collect();
    }
    None
}

/// The file graph of the library: file name → (file it depends on → why).
fn dependency_graph(files: &[SourceFile]) -> BTreeMap<String, BTreeMap<String, Evidence>> {
    let modules: BTreeMap<Vec<String>, usize> = files
        .iter()
        .enumerate()
        .filter_map(|(index, file)| Some((file.module.clone()?, index)))
        .collect();
    let declarations: Vec<Vec<UseDeclaration>> = files
        .iter()
        .map(|file| use_declarations(&file.code))
        .collect();

    // Bindings first (they need the children), then re-exports (they need the bindings).
    let mut facts: Vec<FileFacts> = files
        .iter()
        .map(|file| FileFacts {
            bindings: BTreeMap::new(),
            external: BTreeSet::new(),
            reexports: BTreeMap::new(),
            children: child_modules(&file.code),
        })
        .collect();
    for (index, file) in files.iter().enumerate() {
        let Some(module) = &file.module else { continue };
        for declaration in &declarations[index] {
            for path in &declaration.paths {
                let Some(binding) = &path.binding else {
                    continue;
                };
                match absolute(module, &facts[index], &path.segments) {
                    Some(target) => {
                        if declaration.public {
                            facts[index]
                                .reexports
                                .insert(binding.clone(), target.clone());
                        }
                        facts[index].bindings.insert(binding.clone(), target);
                    }
                    None => {
                        facts[index].external.insert(binding.clone());
                    }
                }
            }
        }
    }

    let mut graph: BTreeMap<String, BTreeMap<String, Evidence>> = BTreeMap::new();
    for (index, file) in files.iter().enumerate() {
        let Some(module) = &file.module else { continue };
        let edges = graph.entry(file.name.clone()).or_default();
        let mut add = |segments: &[String], written: &[String], line: usize| {
            let Some(target) = resolve(segments, &modules, &facts) else {
                return;
            };
            if target != index {
                edges
                    .entry(files[target].name.clone())
                    .or_insert_with(|| Evidence {
                        path: written.join("::"),
                        line,
                    });
            }
        };
        let spans: Vec<_> = declarations[index]
            .iter()
            .map(|declaration| declaration.span.clone())
            .collect();
        let code_outside_uses = {
            let mut chars: Vec<char> = file.code.chars().collect();
            for span in &spans {
                for c in &mut chars[span.clone()] {
                    *c = ' ';
                }
            }
            chars
        };
        for declaration in &declarations[index] {
            for path in &declaration.paths {
                let Some(target) = absolute(module, &facts[index], &path.segments) else {
                    continue;
                };
                let names_a_module = modules.contains_key(&target);
                let used_here = path
                    .binding
                    .as_ref()
                    .is_none_or(|binding| find_word(&code_outside_uses, 0, binding).is_some());
                if names_a_module && path.binding.is_some() {
                    continue;
                }
                if declaration.public && !used_here {
                    continue;
                }
                add(&target, &path.segments, declaration.line);
            }
        }
        for (line, segments) in code_paths(&file.code, &spans) {
            if let Some(target) = absolute(module, &facts[index], &segments) {
                add(&target, &segments, line);
            }
        }
    }
    graph
}

/// Every elementary cycle of `graph`, each once, rotated to start at its smallest node; sorted.
/// Self-loops count as cycles of one node.
fn find_cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        node: &str,
        path: &mut Vec<String>,
        cycles: &mut Vec<Vec<String>>,
    ) {
        for next in graph.get(node).into_iter().flatten() {
            if next == start {
                cycles.push(path.clone());
            } else if next.as_str() > start && !path.contains(next) {
                path.push(next.clone());
                walk(graph, start, next, path, cycles);
                path.pop();
            }
        }
    }
    let mut cycles = Vec::new();
    for start in graph.keys() {
        walk(graph, start, start, &mut vec![start.clone()], &mut cycles);
    }
    cycles.sort();
    cycles
}

// ---------------------------------------------------------------------------------------------
// Functions.

/// A function and its length.
#[derive(Debug, PartialEq, Eq)]
struct Function {
    name: String,
    /// 1-based line of its `fn` keyword.
    line: usize,
    /// Lines from the `fn` line to the closing brace, both included.
    lines: usize,
}

/// Every function with a body in `code` (already blanked), nested ones included.
fn functions(code: &str) -> Vec<Function> {
    let chars: Vec<char> = code.chars().collect();
    let lines = line_table(&chars);
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(offset) = find_word(&chars, i, "fn") {
        i = offset + 2;
        let name: String = chars[i..]
            .iter()
            .skip_while(|c| c.is_whitespace())
            .take_while(|&&c| c.is_alphanumeric() || c == '_')
            .collect();
        if name.is_empty() {
            continue; // a `fn(…)` pointer type
        }
        let mut depth = 0i32;
        let mut body = None;
        for (index, &c) in chars.iter().enumerate().skip(i) {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                ';' if depth == 0 => break,
                '{' if depth == 0 => {
                    body = Some(index);
                    break;
                }
                _ => {}
            }
        }
        let Some(open) = body else { continue };
        let Some(close) = matching_brace(&chars, open) else {
            continue;
        };
        found.push(Function {
            name,
            line: lines[offset],
            lines: lines[close] - lines[offset] + 1,
        });
    }
    found
}

// ---------------------------------------------------------------------------------------------
// The checker's own tests.

fn graph_of(edges: &[(&str, &str)]) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in edges {
        graph
            .entry(from.to_string())
            .or_default()
            .insert(to.to_string());
        graph.entry(to.to_string()).or_default();
    }
    graph
}

fn names(cycles: &[&[&str]]) -> Vec<Vec<String>> {
    cycles
        .iter()
        .map(|cycle| cycle.iter().map(|name| name.to_string()).collect())
        .collect()
}

#[test]
fn the_cycle_finder_finds_nothing_in_a_graph_without_cycles() {
    let graph = graph_of(&[("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")]);
    assert!(find_cycles(&graph).is_empty());
}

#[test]
fn the_cycle_finder_lists_each_cycle_once_from_its_smallest_file() {
    let graph = graph_of(&[
        ("c", "a"),
        ("a", "b"),
        ("b", "c"),
        ("b", "d"),
        ("d", "b"),
        ("e", "e"),
        ("d", "f"),
    ]);
    assert_eq!(
        find_cycles(&graph),
        names(&[&["a", "b", "c"], &["b", "d"], &["e"]])
    );
}

#[test]
fn the_cycle_finder_lists_both_cycles_through_a_shared_file() {
    let graph = graph_of(&[("a", "b"), ("b", "a"), ("a", "c"), ("c", "a")]);
    assert_eq!(find_cycles(&graph), names(&[&["a", "b"], &["a", "c"]]));
}

/// A use tree and the (path, binding) pairs it expands to.
type UseTreeCase<'a> = (&'a str, &'a [(&'a str, Option<&'a str>)]);

#[test]
fn use_trees_expand_to_one_path_per_name() {
    let cases: &[UseTreeCase<'_>] = &[
        (
            "crate::web::cache::X",
            &[("crate::web::cache::X", Some("X"))],
        ),
        (
            "super::{a, b::{c, d as e}, self}",
            &[
                ("super::a", Some("a")),
                ("super::b::c", Some("c")),
                ("super::b::d", Some("e")),
                ("super", Some("super")),
            ],
        ),
        ("super::*", &[("super", None)]),
        (
            " super::pages::{\n    self, Crumb }",
            &[
                ("super::pages", Some("pages")),
                ("super::pages::Crumb", Some("Crumb")),
            ],
        ),
    ];
    for (tree, expected) in cases {
        let expected: Vec<UsePath> = expected
            .iter()
            .map(|(path, binding)| UsePath {
                segments: split_segments(path),
                binding: binding.map(str::to_string),
            })
            .collect();
        assert_eq!(expand_use_tree(tree), expected, "{tree}");
    }
}

#[test]
fn comments_strings_and_test_modules_are_blanked_with_lines_kept() {
    let text = "use a::b; // crate::x\nlet s = \"crate::y\"; let c = '\"'; let r = r#\"crate::z\"#;\n/* crate::w */ fn f<'a>(x: &'a str) {}\n#[cfg(test)]\nmod tests {\n    use crate::v;\n}\nfn g() {}\n";
    let code = blank_test_modules(&blank_comments_and_literals(text));
    assert_eq!(code.lines().count(), text.lines().count());
    assert!(!code.contains("crate::"), "{code}");
    assert!(code.contains("fn f<'a>(x: &'a str) {}"), "{code}");
    assert!(code.contains("fn g() {}"), "{code}");
}

#[test]
fn function_lengths_run_from_the_fn_line_to_the_closing_brace() {
    let code = "trait T {\n    fn declared(&self);\n}\nfn short() {}\nfn long(\n    f: fn(u8) -> u8,\n) -> Vec<u8> {\n    let v = vec![1];\n    if true {\n        v\n    } else {\n        vec![]\n    }\n}\n";
    let found = functions(code);
    assert_eq!(
        found,
        [
            Function {
                name: "short".into(),
                line: 4,
                lines: 1
            },
            Function {
                name: "long".into(),
                line: 5,
                lines: 10
            },
        ]
    );
}

#[test]
fn paths_resolve_to_the_file_that_defines_the_module_following_re_exports() {
    let file = |name: &str, text: &str| SourceFile {
        name: name.to_string(),
        module: module_path(name),
        text: text.to_string(),
        code: blank_test_modules(&blank_comments_and_literals(text)),
    };
    let files = [
        file("lib.rs", "pub mod web;\npub fn build() { web::serve(); }\n"),
        file(
            "web/mod.rs",
            "mod cache;\nmod state;\nmod pages;\npub use state::AppState;\npub fn serve() {}\n",
        ),
        file("web/cache.rs", "use super::state::AppState;\n"),
        file(
            "web/state.rs",
            "pub struct AppState;\nfn f() { crate::build(); }\n",
        ),
        file("web/pages/mod.rs", "pub mod article;\npub struct Crumb;\n"),
        file(
            "web/pages/article.rs",
            "use super::Crumb;\nfn f() { crate::web::AppState::new(); }\n",
        ),
    ];
    let graph = dependency_graph(&files);
    let targets = |name: &str| -> Vec<&str> { graph[name].keys().map(String::as_str).collect() };
    assert_eq!(targets("lib.rs"), ["web/mod.rs"]);
    assert_eq!(
        targets("web/mod.rs"),
        Vec::<&str>::new(),
        "re-export unused here"
    );
    assert_eq!(targets("web/cache.rs"), ["web/state.rs"]);
    assert_eq!(targets("web/state.rs"), ["lib.rs"]);
    assert_eq!(
        targets("web/pages/article.rs"),
        ["web/pages/mod.rs", "web/state.rs"]
    );
}
