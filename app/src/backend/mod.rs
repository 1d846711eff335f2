//! Server-only foundations: state, clock, database handle, errors, actor, access policy, sessions.
pub mod actor;
pub mod clock;
pub mod csv_export;
pub mod db;
pub mod entity;
pub mod epoch;
pub mod error;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod policy;
pub mod request;
pub mod route;
pub mod session_store;
pub mod settings;
pub mod storage;
pub mod time_fmt;

use std::{net::IpAddr, sync::Arc};

use sea_orm::DatabaseConnection;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ServiceError, ServiceResult};

pub type SignInLimiter = limits::KeyedLimiter<IpAddr>;

/// Settings the running app needs (the server crate parses them from the environment).
#[derive(Clone, Debug)]
pub struct AppSettings {
    pub public_base_url: String,
    pub default_time_zone: String,
    /// Sign-in attempts one source address may make per minute.
    pub sign_in_per_minute: u32,
    /// Machine API requests one token may make per minute (`PORTAL_API_PER_TOKEN_PER_MINUTE`).
    pub api_per_token_per_minute: u32,
    /// Machine API requests one address may make per minute (`PORTAL_API_PER_ADDRESS_PER_MINUTE`).
    pub api_per_address_per_minute: u32,
    /// Where uploaded files are kept (`files/` under it).
    pub data_dir: std::path::PathBuf,
    /// Reverse proxies whose forwarding headers name the client (`PORTAL_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl AppSettings {
    pub fn secure_cookies(&self) -> bool {
        self.public_base_url.starts_with("https://")
    }

    /// `scheme://host[:port]` of the public base URL, to compare with an Origin header.
    pub fn public_origin(&self) -> String {
        let url = self.public_base_url.trim_end_matches('/');
        match url.find("://") {
            Some(i) => match url[i + 3..].find('/') {
                Some(j) => url[..i + 3 + j].to_string(),
                None => url.to_string(),
            },
            None => url.to_string(),
        }
    }
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<AppSettings>,
    pub sign_in_limiter: Arc<SignInLimiter>,
    /// Allows one audit row per address per minute for refused bursts, so a flood cannot bloat the trail.
    pub rate_limit_audit: Arc<SignInLimiter>,
    /// The machine API's limits per token and per address.
    pub api_limits: Arc<limits::ApiLimits>,
    pub files: storage::FileStore,
    /// What requests read most, each entry valid for one generation (see `epoch`).
    pub caches: Arc<epoch::Caches>,
}

impl AppState {
    /// The generation to label what this request reads (read it before reading the database).
    pub fn generation(&self) -> u64 {
        self.caches.generation.current()
    }

    /// Today in the portal's default time zone: the day engagements and phases are judged by.
    pub fn today(&self) -> time::Date {
        time_fmt::date_in_zone(self.clock.now(), &self.settings.default_time_zone)
    }

    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, settings: AppSettings) -> Self {
        let limiter = limits::per_minute(settings.sign_in_per_minute);
        let audit = limits::per_minute(1);
        let api_limits = limits::ApiLimits::new(settings.api_per_token_per_minute, settings.api_per_address_per_minute);
        AppState {
            db,
            clock,
            files: storage::FileStore::new(settings.data_dir.join("files")),
            settings: Arc::new(settings),
            sign_in_limiter: Arc::new(limiter),
            rate_limit_audit: Arc::new(audit),
            api_limits: Arc::new(api_limits),
            caches: Arc::new(epoch::Caches::default()),
        }
    }
}
