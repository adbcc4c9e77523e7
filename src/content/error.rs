//! What can go wrong loading content: a problem located by file and line, and the loader's error.

use std::fmt;

/// One problem found in the content, located by file and, where known, line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path of the file, as given to the loader (e.g. `content/articles/x.md`).
    pub path: String,
    /// 1-based line, where the problem has one.
    pub line: Option<usize>,
    /// What is wrong, in words an editor can act on.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(formatter, "{}:{}: {}", self.path, line, self.message),
            None => write!(formatter, "{}: {}", self.path, self.message),
        }
    }
}

/// Why content could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    /// A required file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file or folder.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The content was read but is not valid; every problem found is listed.
    #[error("{} problem(s) in the content:\n{}", .0.len(), ProblemList(.0))]
    Invalid(Vec<Problem>),
}

/// Problems one per line, indented under [`ContentError::Invalid`]'s count.
struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in self.0 {
            writeln!(formatter, "  {problem}")?;
        }
        Ok(())
    }
}
