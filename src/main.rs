//! The `routex` binary: parse, dispatch, map the outcome to an exit code.
fn main() -> std::process::ExitCode {
    routex::cli::main()
}
