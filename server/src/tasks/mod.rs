//! The command line's tasks that write data outside any request: the demo data, the scale
//! generator for benchmarks, the first platform administrator, and the world builder the demo and
//! the tests declare their worlds for.
pub mod admin;
pub mod demo;
pub mod demo_changes;
pub mod demo_emergency;
pub mod demo_exit;
pub mod demo_sla;
pub mod generate;
pub mod world;
