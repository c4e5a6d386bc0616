//! A bounded load test of `riskkalkyl serve` on loopback: 500 requests from 4 concurrent
//! clients (the page's mix: states to simulate, saves, the form and the page's files), then it
//! stops. Every answer must be the expected one; the latency percentiles are printed
//! (`cargo test --test serve_load -- --nocapture`).

mod serve_common;

use std::time::Instant;

use serve_common::{Server, request};

const CLIENTS: usize = 4;
const REQUESTS: usize = 500;

#[test]
fn five_hundred_requests_from_four_clients_all_answered() {
    let s = Server::start(&["serve", "--port", "0"]);
    let addr = s.addr.clone();
    let per_client = REQUESTS / CLIENTS;
    let started = Instant::now();
    let handles: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut lat = Vec::with_capacity(per_client);
                let mut failures = Vec::new();
                for i in 0..per_client {
                    // The page's mix: a state on its own lane (the max moves a little each
                    // time), a save, the form and the page's files.
                    let max = 2.0 + (c * per_client + i) as f64 / 100.0;
                    let state = format!(
                        "{{\"runs\": 500, \"seed\": {c}, \"lane\": \"client-{c}\", \"edits\": [{{\"path\": \"establishment.one_off[0].amount_msek.max\", \"value\": {max}}}]}}"
                    );
                    let t = Instant::now();
                    let (what, r) = match i % 5 {
                        0 | 1 => ("simulate", request(&addr, "POST", "/api/simulate", &addr, "application/json", state.as_bytes())),
                        2 => ("save", request(&addr, "POST", "/api/save", &addr, "application/json", state.as_bytes())),
                        3 => ("form", request(&addr, "GET", "/api/form", &addr, "", &[])),
                        _ => ("asset", request(&addr, "GET", "/assets/uPlot.iife.min.js", &addr, "", &[])),
                    };
                    lat.push(t.elapsed().as_secs_f64() * 1e3);
                    if r.status != 200 || r.body.is_empty() {
                        failures.push(format!("client {c} request {i} ({what}): {} {}", r.status, r.text()));
                    }
                }
                (lat, failures)
            })
        })
        .collect();
    let mut lat = Vec::new();
    let mut failures = Vec::new();
    for h in handles {
        let (l, f) = h.join().unwrap();
        lat.extend(l);
        failures.extend(f);
    }
    let wall = started.elapsed().as_secs_f64();
    assert!(
        failures.is_empty(),
        "{} failures, first: {}",
        failures.len(),
        failures[0]
    );
    assert_eq!(lat.len(), REQUESTS);
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((p * lat.len() as f64).ceil() as usize).clamp(1, lat.len()) - 1];
    println!(
        "serve load: {REQUESTS} requests, {CLIENTS} clients, {wall:.1} s, 0 errors; latency p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        pct(0.5),
        pct(0.95),
        lat[lat.len() - 1]
    );
    // Still serving after the load.
    assert_eq!(s.get("/api/form").status, 200);
}
