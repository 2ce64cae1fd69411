use std::process::ExitCode;

use clap::Parser;
use valet::cli::{run_admin_command, Cli, Command};
use valet::config::Settings;
use valet::startup::Application;

#[actix_web::main]
async fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => return fail(e),
    };
    valet::logging::init(settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = match Application::build(settings).await {
                Ok(app) => app,
                Err(e) => return fail(e),
            };
            log::info!("valet listening on port {}", app.port());
            if let Some(port) = app.metrics_port() {
                log::info!("valet metrics listening on port {port}");
            }
            match app.run_until_stopped().await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
        command => match run_admin_command(&settings, command).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        },
    }
}

/// glibc's malloc gives each thread that allocates under contention an
/// arena of its own, up to eight per core, and memory freed in one arena
/// serves only that arena: with a pool of SQLite connections (a thread
/// each), the workers and the bcrypt threads, valet held a dozen arenas of
/// 1–2 MB each, 37 MiB in all at a million users. Two arenas per core keep
/// it under 30 MiB for about 5–10 % of `/users/me`'s rate (threads wait
/// for an arena more often); one per core saved 2 MiB more but cost 15 %
/// (docs/performance.md). Set before the runtime starts threads; an
/// operator's own `MALLOC_ARENA_MAX` is left to apply instead.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let arenas = libc::c_int::try_from(cores.saturating_mul(2)).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt(3) only sets a tunable of the allocator; it takes
    // plain integers and touches no memory of ours.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("valet: {message}");
    ExitCode::FAILURE
}
