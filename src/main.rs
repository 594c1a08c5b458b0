use clap::Parser;

// Page rendering allocates many small strings; mimalloc serves them markedly faster than
// glibc's allocator under concurrent load (measured with bench/catalogue.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    zbor::alloc::configure();
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
