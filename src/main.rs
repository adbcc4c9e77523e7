//! `helpcenter`: parse arguments, set up logging, then check the content or serve it.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use helpcenter::config::{Args, Command, Config};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let args = Args::parse();
    // Log lines are written by a background thread, so request workers never wait on stderr; nothing
    // is dropped (lossy off), and the guard flushes what is left when main returns.
    let (writer, _flush_guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("HELPCENTER_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(writer)
        // Colour codes only for a person at a terminal, not in log files and journals.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    // Before the content is loaded: a big site's heap is cheaper in regular pages.
    helpcenter::memory::use_regular_pages();
    // Long phases (load, index, render) show a bar on a terminal; logs get one line per phase.
    if std::io::stderr().is_terminal() {
        helpcenter::progress::show_bars();
    }
    match args.command {
        Some(Command::Check { dir, guides }) => check(&dir, guides.as_deref()),
        Some(Command::Serve(serve_args)) => serve(&serve_args),
        Some(Command::Report(report_args)) => report(&report_args),
        None => serve(&args.serve),
    }
}

fn check(dir: &std::path::Path, guides: Option<&std::path::Path>) -> ExitCode {
    match helpcenter::check(dir, guides) {
        Ok(site) => {
            let planner = site
                .planner
                .as_ref()
                .map_or("no call planner".to_string(), |p| {
                    format!(
                        "call planner: {} needs, {} cards, {} places, {} routes",
                        p.needs.len(),
                        p.cards.len(),
                        p.places.len(),
                        p.routes.len()
                    )
                });
            println!(
                "{}: ok ({} articles, {} FAQs, {} contact entries, {} categories, {planner}){}",
                dir.display(),
                site.articles.len(),
                site.faqs.len(),
                site.contacts.len(),
                site.categories.len(),
                guides.map_or(String::new(), |guides| format!(
                    "; every cited fact found in {}",
                    guides.display()
                ))
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn report(report_args: &helpcenter::report::ReportArgs) -> ExitCode {
    match actix_web::rt::System::new().block_on(helpcenter::report::run(report_args)) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn serve(serve_args: &helpcenter::config::ServeArgs) -> ExitCode {
    let config = match Config::from_args(serve_args) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let result = actix_web::rt::System::new().block_on(helpcenter::serve(config));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
