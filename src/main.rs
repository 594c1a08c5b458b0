use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = zbor::cli::Cli::parse();
    zbor::cli::init_tracing();
    match zbor::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
