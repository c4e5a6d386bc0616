//! A failure and its exit code: [`Failure::Input`] exits 2 (a bad scenario, bad flags),
//! [`Failure::Runtime`] exits 1 (an unwritable output, a thread pool that cannot start).

use std::io::Write;

use models::ScenarioError;

pub enum Failure {
    Input(String),
    Runtime(String),
    /// `verify` found a problem; the code says which kind (see `commands::verify`).
    Verify(u8, String),
}

impl Failure {
    /// The exit code the README documents for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => 2,
            Failure::Runtime(_) => 1,
            Failure::Verify(code, _) => *code,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Failure::Input(m) | Failure::Runtime(m) | Failure::Verify(_, m) => m,
        }
    }
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Failure {
        Failure::Input(format!("invalid scenario: {e}"))
    }
}

impl From<models::AnalysisError> for Failure {
    fn from(e: models::AnalysisError) -> Failure {
        match e {
            models::AnalysisError::Plan(e) => e.into(),
            models::AnalysisError::Scenario(e) => e.into(),
            e => Failure::Input(e.to_string()),
        }
    }
}

impl From<reports::export::html::analyses::AnalysesError> for Failure {
    fn from(e: reports::export::html::analyses::AnalysesError) -> Failure {
        match e {
            reports::export::html::analyses::AnalysesError::Analysis(e) => e.into(),
            reports::export::html::analyses::AnalysesError::Chart(e) => Failure::Runtime(e.to_string()),
        }
    }
}

impl From<models::followup::ActualsError> for Failure {
    fn from(e: models::followup::ActualsError) -> Failure {
        Failure::Input(format!("invalid actuals: {e}"))
    }
}

impl From<models::run::state::StateError> for Failure {
    fn from(e: models::run::state::StateError) -> Failure {
        Failure::Input(e.to_string())
    }
}

impl From<reports::export::ExportError> for Failure {
    fn from(e: reports::export::ExportError) -> Failure {
        Failure::Runtime(e.to_string())
    }
}

impl From<reports::OutputError> for Failure {
    fn from(e: reports::OutputError) -> Failure {
        Failure::Runtime(e.to_string())
    }
}

impl From<sim::RunPlanError> for Failure {
    fn from(e: sim::RunPlanError) -> Failure {
        Failure::Runtime(e.to_string())
    }
}

/// Write `text` to stdout; a closed pipe (`| head`) is not an error worth reporting.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Runtime(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// On SIGINT or SIGTERM, remove this run's staged outputs (waiting for a commit in progress
/// to finish, so a set is never left half published) and exit 128 + the signal's number, as a
/// shell reports a killed command.
pub fn clean_up_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                reports::output::remove_staged_files();
                std::process::exit(128 + signal);
            }
        });
    }
}
