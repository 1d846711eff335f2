//! The regulator's oversight (issue 23, being built): one row per agency with every module's
//! status and an attention score. So far: the score's rules (`rules.rs`), which the home page,
//! the agency's detail, the monthly report and the digest will read.
pub mod rules;
