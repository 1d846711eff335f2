//! Portability (issue 22): everything an agency owns — its organisation, people (without
//! passwords), websites, engagements, reports with their files, rosters, plans, drills, incidents,
//! change notices, SLAs, exits and its audit segment — as one archive (a ZIP of JSON documents and
//! stored files with a SHA-256 manifest), and that archive imported into another portal or into
//! this one after the agency was removed. `portal export-agency` / `portal import-agency`, and the
//! agency administrator's download on the organisation settings page.
ssr! {
    pub mod archive;
    pub mod http;
    pub mod rows;
    pub mod scope;
    pub mod service;
    pub mod tables;
}
