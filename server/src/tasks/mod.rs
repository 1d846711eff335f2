//! The command line's tasks that write data outside any request: the demo data, the scale
//! generator for benchmarks, and the first platform administrator.
pub mod admin;
pub mod demo;
pub mod generate;
