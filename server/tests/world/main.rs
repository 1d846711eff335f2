//! Every integration test in one binary, the test world: one link instead of eleven and one
//! harness (`common`: a fresh database per test on SQLite and PostgreSQL, the real router on a
//! loopback port). Each module is one area of the portal.
mod common;

mod access_matrix;
mod audit;
mod auth;
mod caches;
mod changes;
mod cli;
mod digest;
mod duty;
mod emergency;
mod exit;
mod generated;
mod instances;
mod jobs;
mod mail;
mod oversight;
mod portability;
mod reach;
mod relationships;
mod reports;
mod rosters;
mod schema_migrations;
mod security;
mod sla;
mod tenancy;
mod work_list;
