//! Integration tests, compiled as one binary (ripgrep's layout).

mod support;

mod admin_api;
mod agents;
mod bounds_cli;
mod bounds_conn;
mod bounds_upstream;
mod browser_door;
mod channel_test;
mod claude_code;
mod cli_both_ways;
mod cli_errors;
mod convert_golden;
mod daemon_mode;
mod daemon_records;
mod dashboard;
mod diagnose;
mod first_hour;
mod gemini_api;
mod gemini_tools;
mod generated_docs;
mod health;
mod metrics;
mod proxy;
mod readme_tour;
mod responses_api;
mod rules_routing;
mod sdk_e2e;
mod setup_wizard;
mod stream_transformers;
mod tees;
mod tracing;
