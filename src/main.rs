use std::process::ExitCode;

use clap::Parser;
use valet::cli::{run_admin_command, Cli, Command};
use valet::config::Settings;
use valet::startup::Application;

#[actix_web::main]
async fn main() -> ExitCode {
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

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("valet: {message}");
    ExitCode::FAILURE
}
