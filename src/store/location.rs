//! Where the store lives, as `--database` / `HELPCENTER_DATABASE` says: a SQLite file (the
//! default), a PostgreSQL URL, or `off`.

use std::path::PathBuf;

/// The default SQLite file, created with its folder on first start.
pub const DEFAULT_DATABASE: &str = "data/helpcenter.db";

/// A validated `--database` value.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite database file (created with its folder when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL server (`postgres://…` or `postgresql://…`), shared by replicas.
    Postgres(String),
    /// Record nothing; the feedback form answers that it is unavailable.
    Off,
}

/// Why a `--database` value was refused.
#[derive(Debug, thiserror::Error)]
#[error(
    "`{scheme}:` databases are not supported: give a SQLite file path, a postgres:// URL, or `off`"
)]
pub struct LocationError {
    scheme: String,
}

impl Location {
    /// Reads a `--database` value: `off`, `postgres://…`/`postgresql://…`, `sqlite:PATH` /
    /// `sqlite://PATH`, or a plain file path. Other URL schemes are refused.
    pub fn parse(value: &str) -> Result<Location, LocationError> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("off") {
            return Ok(Location::Off);
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            return Ok(Location::Postgres(value.to_string()));
        }
        if let Some(path) = value.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            return Ok(Location::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = value.split_once("://") {
            return Err(LocationError {
                scheme: scheme.to_string(),
            });
        }
        Ok(Location::Sqlite(PathBuf::from(value)))
    }

    /// The location for logs and errors: the file, or the PostgreSQL URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(path) => format!("SQLite {}", path.display()),
            Location::Postgres(url) => format!("PostgreSQL {}", without_password(url)),
            Location::Off => "off".to_string(),
        }
    }
}

/// Never print a password: the log line and `Debug` use [`Location::describe`].
impl std::fmt::Debug for Location {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.describe())
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (credentials, host) = match rest.rsplit_once('@') {
        Some(parts) => parts,
        None => return url.to_string(),
    };
    let user = credentials.split(':').next().unwrap_or_default();
    let hidden = if credentials.contains(':') {
        ":***"
    } else {
        ""
    };
    format!("{scheme}://{user}{hidden}@{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let sqlite = |path: &str| Location::Sqlite(PathBuf::from(path));
        let table = [
            ("data/helpcenter.db", sqlite("data/helpcenter.db")),
            ("sqlite:x.db", sqlite("x.db")),
            ("sqlite:///tmp/x.db", sqlite("/tmp/x.db")),
            ("OFF", Location::Off),
            (
                "postgres://u@localhost/db",
                Location::Postgres("postgres://u@localhost/db".into()),
            ),
            (
                "postgresql://u@h/db",
                Location::Postgres("postgresql://u@h/db".into()),
            ),
        ];
        for (value, expected) in table {
            assert_eq!(Location::parse(value).ok(), Some(expected), "{value}");
        }
        assert!(Location::parse("mysql://h/db").is_err());
    }

    #[test]
    fn passwords_are_never_described() {
        let location = Location::parse("postgres://app:hunter2@db:5432/hc").expect("valid");
        assert_eq!(
            location.describe(),
            "PostgreSQL postgres://app:***@db:5432/hc"
        );
        assert!(!format!("{location:?}").contains("hunter2"));
    }
}
