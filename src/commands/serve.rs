//! `serve`: the what-if page on a local web server (the `web` crate).

use std::net::SocketAddr;
use std::path::PathBuf;

use models::Scenario;
use reports::format::Lang;

use crate::failure::Failure;

pub fn serve(
    scenario: Scenario,
    text: String,
    path: &Option<PathBuf>,
    addr: SocketAddr,
    lang: Lang,
    runs: (u64, u64),
) -> Result<(), Failure> {
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: serving on {addr}, not loopback: anyone who can reach this address can use the page and make the server compute"
        );
    }
    let name = path.as_ref().map_or_else(
        || models::DEFAULT_SCENARIO_NAME.to_string(),
        |p| p.display().to_string(),
    );
    let base = web::edit::Base::loaded(text, name, scenario).map_err(|e| Failure::Input(e.message))?;
    web::serve(web::Options {
        base,
        addr,
        lang,
        quick_runs: runs.0,
        refine_runs: runs.1,
    })
    .map_err(|e| {
        Failure::Runtime(format!(
            "cannot serve on {addr}: {e}\n  fix: choose another --port (0 picks a free one)"
        ))
    })
}
