//! Command-line arguments (every flag also readable from an environment variable), validated into
//! the `Config` the rest of the program sees.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand};

/// The raw command line.
#[derive(Debug, Parser)]
#[command(
    name = "helpcenter",
    version,
    about = "A help center for reaching American Express customer support, served from Markdown and TOML content.",
    args_conflicts_with_subcommands = true,
    after_help = "Logging: HELPCENTER_LOG sets the log filter (tracing EnvFilter syntax, default `info`; \
        e.g. `HELPCENTER_LOG=warn` or `HELPCENTER_LOG=info,helpcenter::request=off` to drop the \
        one-line-per-request log). Logs go to stderr."
)]
pub struct Args {
    /// What to do; `serve` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `serve`, accepted without the subcommand name too.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the help center over HTTP (the default).
    Serve(ServeArgs),
    /// Load and validate the content without serving; exits non-zero and lists every problem.
    Check {
        /// The content folder to check.
        #[arg(default_value = "content")]
        dir: PathBuf,
        /// The folder holding the source guides (the files `guides.toml` names): also check that
        /// every phone number, address, email and web address a source locator cites is in that
        /// part of that guide, and that every number, duration and frequency word is backed.
        #[arg(long, value_name = "DIR")]
        guides: Option<PathBuf>,
    },
    /// Print the editors' dashboard figures (searches, queries, feedback) for a period.
    Report(crate::report::ReportArgs),
}

/// Options of `helpcenter serve`.
#[derive(Debug, Clone, ClapArgs)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "HELPCENTER_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// The content folder (site.toml, articles/, …).
    #[arg(long, env = "HELPCENTER_CONTENT", default_value = "content")]
    pub content: PathBuf,
    /// Rebuild and swap in the content when files under the content folder change; a broken edit is
    /// logged and the last good version keeps serving.
    #[arg(long, env = "HELPCENTER_WATCH")]
    pub watch: bool,
    /// Number of HTTP worker threads (default: one per CPU core).
    #[arg(long, env = "HELPCENTER_WORKERS")]
    pub workers: Option<usize>,
    /// Send `Strict-Transport-Security` (only for deployments behind TLS).
    #[arg(long, env = "HELPCENTER_HSTS")]
    pub hsts: bool,
    /// Keep the loaded content and the search index in this folder (created if missing): the next
    /// start (or `--watch` reload) reuses them when neither the content nor the program changed
    /// and rebuilds them otherwise, so a restart of a large site skips rendering and indexing. A
    /// folder that cannot be used is logged and everything is built in memory. Default: nothing
    /// kept, everything rebuilt every start.
    #[arg(long, env = "HELPCENTER_INDEX_DIR", value_name = "DIR")]
    pub index_dir: Option<PathBuf>,
    /// Where searches and "was this helpful?" answers are recorded: a SQLite file (created with
    /// its folder on first start), a `postgres://` URL (for several replicas sharing one store),
    /// or `off` to record nothing. A database that cannot be opened or reached is logged once; the
    /// site serves meanwhile and recording starts when it comes back.
    #[arg(long, env = "HELPCENTER_DATABASE", value_name = "PATH|URL|off", default_value = crate::store::DEFAULT_DATABASE)]
    pub database: String,
    /// Recorded events older than this many days are deleted (at start, then hourly).
    #[arg(
        long,
        env = "HELPCENTER_RETENTION_DAYS",
        value_name = "DAYS",
        default_value_t = 90
    )]
    pub retention_days: u32,
    /// "Was this helpful?" answers accepted per client address and minute (bursts of as many);
    /// more are answered 429. The script's beacons (result clicks, form views) may be six times as
    /// many, at least 60. Behind a proxy every visitor shares its address: raise it there.
    #[arg(
        long,
        env = "HELPCENTER_FEEDBACK_PER_MINUTE",
        value_name = "N",
        default_value_t = 10
    )]
    pub feedback_per_minute: u32,
}

/// Validated settings for `serve`.
#[derive(Debug, Clone)]
pub struct Config {
    /// Socket address to bind.
    pub addr: SocketAddr,
    /// Content folder.
    pub content_dir: PathBuf,
    /// Watch the content folder and reload on change.
    pub watch: bool,
    /// HTTP worker threads.
    pub workers: usize,
    /// Send HSTS.
    pub hsts: bool,
    /// Folder the search index is kept in between starts; `None` keeps it in memory only.
    pub index_dir: Option<PathBuf>,
    /// Where events are recorded.
    pub database: crate::store::Location,
    /// Days events are kept.
    pub retention_days: u32,
    /// Feedback answers per client and minute.
    pub feedback_per_minute: u32,
    /// The editors' dashboard's token (`HELPCENTER_ADMIN_TOKEN`); `None` keeps `/admin` off.
    pub admin_token: Option<AdminToken>,
}

/// The variable holding the editors' dashboard token. Only an environment variable, never a flag:
/// a command line is visible to every user of the machine.
pub const ADMIN_TOKEN_VARIABLE: &str = "HELPCENTER_ADMIN_TOKEN";
/// The shortest token accepted: long enough that guessing it at the login's rate limit is hopeless.
pub const ADMIN_TOKEN_MIN_CHARS: usize = 16;

/// The dashboard token; never printed (`Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken(pub String);

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(hidden)")
    }
}

impl AdminToken {
    /// The token in `value` (an unset or empty variable keeps the dashboard off).
    pub fn from_variable(value: Option<String>) -> Result<Option<AdminToken>, ConfigError> {
        match value.filter(|token| !token.is_empty()) {
            None => Ok(None),
            Some(token) if token.trim().chars().count() < ADMIN_TOKEN_MIN_CHARS => {
                Err(ConfigError::AdminToken)
            }
            Some(token) => Ok(Some(AdminToken(token))),
        }
    }
}

/// Why the command line could not become a `Config`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--addr` is not a socket address.
    #[error("--addr / HELPCENTER_ADDR: `{value}` is not an address such as 127.0.0.1:8080")]
    Addr {
        /// The value given.
        value: String,
    },
    /// `--content` is not a folder.
    #[error("--content / HELPCENTER_CONTENT: `{path}` is not a folder")]
    Content {
        /// The path given.
        path: PathBuf,
    },
    /// `--database` names a kind of database that is not supported.
    #[error("--database / HELPCENTER_DATABASE: {0}")]
    Database(#[from] crate::store::LocationError),
    /// `--retention-days` is zero or absurd.
    #[error("--retention-days / HELPCENTER_RETENTION_DAYS: {value} is not between 1 and 3650")]
    RetentionDays {
        /// The value given.
        value: u32,
    },
    /// `--feedback-per-minute` is zero or absurd.
    #[error(
        "--feedback-per-minute / HELPCENTER_FEEDBACK_PER_MINUTE: {value} is not between 1 and 100000"
    )]
    FeedbackPerMinute {
        /// The value given.
        value: u32,
    },
    /// `HELPCENTER_ADMIN_TOKEN` is too short to be safe.
    #[error(
        "{ADMIN_TOKEN_VARIABLE}: the token must be at least {ADMIN_TOKEN_MIN_CHARS} characters (e.g. `openssl rand -hex 24`)"
    )]
    AdminToken,
    /// `--workers` is zero or absurd.
    #[error("--workers / HELPCENTER_WORKERS: {value} is not between 1 and 256")]
    Workers {
        /// The value given.
        value: usize,
    },
}

impl Config {
    /// Validates `serve` options.
    pub fn from_args(args: &ServeArgs) -> Result<Config, ConfigError> {
        let addr = args.addr.parse().map_err(|_| ConfigError::Addr {
            value: args.addr.clone(),
        })?;
        if !args.content.is_dir() {
            return Err(ConfigError::Content {
                path: args.content.clone(),
            });
        }
        let workers = match args.workers {
            Some(value) if !(1..=256).contains(&value) => {
                return Err(ConfigError::Workers { value });
            }
            Some(value) => value,
            None => std::thread::available_parallelism().map_or(2, |n| n.get()),
        };
        if !(1..=3650).contains(&args.retention_days) {
            return Err(ConfigError::RetentionDays {
                value: args.retention_days,
            });
        }
        if !(1..=100_000).contains(&args.feedback_per_minute) {
            return Err(ConfigError::FeedbackPerMinute {
                value: args.feedback_per_minute,
            });
        }
        Ok(Config {
            feedback_per_minute: args.feedback_per_minute,
            database: crate::store::Location::parse(&args.database)?,
            retention_days: args.retention_days,
            admin_token: AdminToken::from_variable(std::env::var(ADMIN_TOKEN_VARIABLE).ok())?,
            addr,
            content_dir: args.content.clone(),
            watch: args.watch,
            workers,
            hsts: args.hsts,
            index_dir: args.index_dir.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_args(addr: &str, content: &str) -> ServeArgs {
        ServeArgs {
            addr: addr.into(),
            content: content.into(),
            watch: false,
            workers: None,
            hsts: false,
            index_dir: None,
            database: crate::store::DEFAULT_DATABASE.into(),
            retention_days: 90,
            feedback_per_minute: 10,
        }
    }

    #[test]
    fn database_defaults_to_sqlite_and_takes_postgres_urls() {
        let args = Args::parse_from(["helpcenter", "--content", "."]);
        let config = Config::from_args(&args.serve).expect("valid");
        assert_eq!(
            config.database,
            crate::store::Location::Sqlite(crate::store::DEFAULT_DATABASE.into())
        );
        assert_eq!(config.retention_days, 90);
        let args = Args::parse_from([
            "helpcenter",
            "--content",
            ".",
            "--database",
            "postgres://u@h/db",
            "--retention-days",
            "30",
        ]);
        let config = Config::from_args(&args.serve).expect("valid");
        assert_eq!(
            config.database,
            crate::store::Location::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(config.retention_days, 30);
        let mut bad = serve_args("127.0.0.1:0", ".");
        bad.database = "mysql://h/db".into();
        assert!(matches!(
            Config::from_args(&bad),
            Err(ConfigError::Database(_))
        ));
        let mut bad = serve_args("127.0.0.1:0", ".");
        bad.retention_days = 0;
        assert!(matches!(
            Config::from_args(&bad),
            Err(ConfigError::RetentionDays { .. })
        ));
    }

    #[test]
    fn the_admin_token_is_optional_long_and_never_printed() {
        assert_eq!(AdminToken::from_variable(None).expect("unset"), None);
        assert_eq!(
            AdminToken::from_variable(Some(String::new())).expect("empty"),
            None
        );
        assert!(matches!(
            AdminToken::from_variable(Some("short".into())),
            Err(ConfigError::AdminToken)
        ));
        assert!(matches!(
            AdminToken::from_variable(Some(format!("{:>20}", "x"))),
            Err(ConfigError::AdminToken)
        ));
        let token = AdminToken::from_variable(Some("a long enough token value".into()))
            .expect("valid")
            .expect("set");
        assert!(!format!("{token:?}").contains("long enough"));
    }

    #[test]
    fn rejects_bad_addr_and_missing_content() {
        assert!(matches!(
            Config::from_args(&serve_args("localhost", ".")),
            Err(ConfigError::Addr { .. })
        ));
        assert!(matches!(
            Config::from_args(&serve_args("127.0.0.1:0", "/definitely/not/here")),
            Err(ConfigError::Content { .. })
        ));
        assert!(Config::from_args(&serve_args("127.0.0.1:0", ".")).is_ok());
    }

    #[test]
    fn help_explains_the_log_filter_variable() {
        use clap::CommandFactory;
        let help = Args::command().render_long_help().to_string();
        assert!(help.contains("HELPCENTER_LOG"), "{help}");
        assert!(help.contains("HELPCENTER_ADDR") && help.contains("HELPCENTER_CONTENT"));
        assert!(
            help.contains("--index-dir <DIR>") && help.contains("HELPCENTER_INDEX_DIR"),
            "{help}"
        );
        assert!(help.contains("reuses them when neither the content nor the program changed"));
    }

    #[test]
    fn index_dir_is_optional_and_passed_through() {
        let args = Args::parse_from(["helpcenter", "--content", "."]);
        let config = Config::from_args(&args.serve).expect("valid");
        assert_eq!(config.index_dir, None);
        let args = Args::parse_from(["helpcenter", "serve", "--content", ".", "--index-dir", "ix"]);
        let Some(Command::Serve(serve)) = args.command else {
            panic!("serve subcommand")
        };
        let config = Config::from_args(&serve).expect("valid");
        assert_eq!(
            config.index_dir.as_deref(),
            Some(std::path::Path::new("ix"))
        );
    }

    #[test]
    fn serve_is_the_default_and_check_takes_a_dir() {
        let args = Args::parse_from(["helpcenter", "--addr", "0.0.0.0:1"]);
        assert!(args.command.is_none());
        assert_eq!(args.serve.addr, "0.0.0.0:1");
        let args = Args::parse_from(["helpcenter", "check", "x"]);
        assert!(
            matches!(args.command, Some(Command::Check { dir, guides: None }) if dir == std::path::Path::new("x"))
        );
        let args = Args::parse_from(["helpcenter", "check", "--guides", "g", "x"]);
        assert!(matches!(
            args.command,
            Some(Command::Check { guides: Some(guides), .. }) if guides == std::path::Path::new("g")
        ));
    }
}
