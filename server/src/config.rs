//! Configuration from environment variables with embedded defaults; a bad value names its variable.
use std::{net::SocketAddr, path::PathBuf};

#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub bind: SocketAddr,
    pub public_base_url: String,
    pub smtp_url: Option<String>,
    /// The sender of every mail.
    pub mail_from: String,
    pub time_zone: String,
    pub site_root: PathBuf,
    pub sign_in_per_minute: u32,
    /// Machine API requests per token per minute.
    pub api_per_token_per_minute: u32,
    /// Machine API requests per source address per minute.
    pub api_per_address_per_minute: u32,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `PORTAL_AUDIT_KEY` (hex); `None`: the key kept in the data directory (made on first start).
    pub audit_key: Option<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
#[error("{var}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub reason: String,
}

pub const VARS: &[(&str, &str)] = &[
    (
        "PORTAL_DATA_DIR",
        "directory for the embedded database and uploaded files (default ./data)",
    ),
    (
        "PORTAL_DATABASE_URL",
        "sqlite://… or postgres://… (default sqlite://$PORTAL_DATA_DIR/portal.db)",
    ),
    ("PORTAL_BIND", "address to listen on (default 127.0.0.1:3000)"),
    (
        "PORTAL_PUBLIC_URL",
        "the URL people use to reach the portal (default http://<bind>)",
    ),
    (
        "PORTAL_SMTP_URL",
        "smtp://user:pass@host:port (smtps:// for TLS, ?tls=required for STARTTLS); default none: mail is written as .eml files under $PORTAL_DATA_DIR/mail",
    ),
    ("PORTAL_MAIL_FROM", "the From address of the portal's mail (default portal@localhost)"),
    (
        "PORTAL_TIME_ZONE",
        "default time zone for people without their own (default Asia/Shanghai)",
    ),
    (
        "PORTAL_SITE_ROOT",
        "directory holding pkg/ with the wasm client and CSS (default target/site)",
    ),
    (
        "PORTAL_SIGNIN_PER_MINUTE",
        "sign-in attempts allowed per source address per minute (default 10)",
    ),
    (
        "PORTAL_API_PER_TOKEN_PER_MINUTE",
        "machine API requests allowed per token per minute, in bursts of up to as many (default 600); more are answered 429 with Retry-After",
    ),
    (
        "PORTAL_API_PER_ADDRESS_PER_MINUTE",
        "machine API requests allowed per source address per minute, whatever the token (default 1200)",
    ),
    (
        "PORTAL_AUDIT_KEY",
        "the audit chain's secret, 64 or more hex digits (32+ bytes); default: made on first start and kept in $PORTAL_DATA_DIR/audit.key — keep a copy, the trail cannot be verified without it",
    ),
    (
        "PORTAL_TRUSTED_PROXIES",
        "reverse proxies (addresses or CIDRs, comma-separated) whose Forwarded / X-Forwarded-For headers name the client for the sign-in limit and the audit trail (default none: the peer's address counts)",
    ),
];

impl Config {
    /// Reads the configuration through `get` (the process environment in production).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let val = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let data_dir = PathBuf::from(val("PORTAL_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = match val("PORTAL_DATABASE_URL") {
            Some(url)
                if url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://") =>
            {
                url
            }
            Some(url) => {
                return Err(ConfigError {
                    var: "PORTAL_DATABASE_URL",
                    reason: format!("must start with sqlite:, postgres:// or postgresql:// (got {:?})", redact(&url)),
                })
            }
            None => format!("sqlite://{}/portal.db?mode=rwc", data_dir.display()),
        };
        let bind_text = val("PORTAL_BIND").unwrap_or_else(|| "127.0.0.1:3000".into());
        let bind: SocketAddr = bind_text.parse().map_err(|_| ConfigError {
            var: "PORTAL_BIND",
            reason: format!("not an address:port ({bind_text:?}), e.g. 127.0.0.1:3000"),
        })?;
        let public_base_url = val("PORTAL_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}"));
        if !(public_base_url.starts_with("http://") || public_base_url.starts_with("https://"))
            || public_base_url.contains(char::is_whitespace)
        {
            return Err(ConfigError {
                var: "PORTAL_PUBLIC_URL",
                reason: format!("must be an http:// or https:// URL (got {public_base_url:?})"),
            });
        }
        let smtp_url = val("PORTAL_SMTP_URL");
        if let Some(s) = &smtp_url {
            if !(s.starts_with("smtp://") || s.starts_with("smtps://")) {
                return Err(ConfigError {
                    var: "PORTAL_SMTP_URL",
                    reason: format!("must start with smtp:// or smtps:// (got {:?})", redact(s)),
                });
            }
        }
        let mail_from = val("PORTAL_MAIL_FROM").unwrap_or_else(|| "portal@localhost".into());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError {
                var: "PORTAL_MAIL_FROM",
                reason: format!("not a mail address (got {mail_from:?})"),
            });
        }
        let time_zone = val("PORTAL_TIME_ZONE").unwrap_or_else(|| app::backend::time_fmt::DEFAULT_TIME_ZONE.into());
        if !app::backend::time_fmt::is_known_zone(&time_zone) {
            return Err(ConfigError {
                var: "PORTAL_TIME_ZONE",
                reason: format!("unknown time zone {time_zone:?}, e.g. Asia/Shanghai"),
            });
        }
        let site_root = PathBuf::from(
            val("PORTAL_SITE_ROOT").or_else(|| val("LEPTOS_SITE_ROOT")).unwrap_or_else(|| "target/site".into()),
        );
        let count = |var: &'static str, default: u32, max: u32| match val(var) {
            None => Ok(default),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or(ConfigError { var, reason: format!("must be a whole number from 1 to {max} (got {v:?})") }),
        };
        let sign_in_per_minute = count("PORTAL_SIGNIN_PER_MINUTE", 10, 10_000)?;
        let api_per_token_per_minute = count("PORTAL_API_PER_TOKEN_PER_MINUTE", 600, 1_000_000)?;
        let api_per_address_per_minute = count("PORTAL_API_PER_ADDRESS_PER_MINUTE", 1200, 1_000_000)?;
        let trusted_proxies =
            app::backend::request::parse_trusted_proxies(&val("PORTAL_TRUSTED_PROXIES").unwrap_or_default())
                .map_err(|reason| ConfigError { var: "PORTAL_TRUSTED_PROXIES", reason })?;
        let audit_key = match val("PORTAL_AUDIT_KEY") {
            None => None,
            Some(text) => Some(parse_audit_key(&text).ok_or(ConfigError {
                var: "PORTAL_AUDIT_KEY",
                reason: "must be 64 or more hex digits (32 bytes or more)".into(),
            })?),
        };
        Ok(Config {
            audit_key,
            trusted_proxies,
            data_dir,
            database_url,
            bind,
            public_base_url,
            smtp_url,
            mail_from,
            time_zone,
            site_root,
            sign_in_per_minute,
            api_per_token_per_minute,
            api_per_address_per_minute,
        })
    }

    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// The settings as printed at start-up: passwords in URLs are replaced by `***`.
    pub fn describe(&self) -> String {
        format!(
            "data dir {}; database {}; listening on {}; public URL {}; SMTP {}; mail from {}; time zone {}; site root {}; sign-ins per address per minute {}; API requests per minute per token {} and per address {}; trusted proxies {}",
            self.data_dir.display(),
            redact(&self.database_url),
            self.bind,
            self.public_base_url,
            self.smtp_url
                .as_deref()
                .map(redact)
                .unwrap_or_else(|| "none (mail written to files)".into()),
            self.mail_from,
            self.time_zone,
            self.site_root.display(),
            self.sign_in_per_minute,
            self.api_per_token_per_minute,
            self.api_per_address_per_minute,
            if self.trusted_proxies.is_empty() {
                "none".to_string()
            } else {
                self.trusted_proxies.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
            },
        )
    }
}

/// A hex key of at least 32 bytes.
pub fn parse_audit_key(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if text.len() < 64 || !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

impl Config {
    /// The audit chain's key: the configured one, or the data directory's (made now if missing,
    /// readable by its owner only). Returns the key and, when it was just made, where.
    pub fn load_audit_key(&self) -> Result<(Vec<u8>, Option<PathBuf>), String> {
        if let Some(k) = &self.audit_key {
            return Ok((k.clone(), None));
        }
        let path = self.data_dir.join("audit.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => parse_audit_key(&text)
                .map(|k| (k, None))
                .ok_or_else(|| format!("{} does not hold a key of 64 or more hex digits", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                use rand::RngCore;
                use std::io::Write;
                let mut key = [0u8; 32];
                rand::rng().fill_bytes(&mut key);
                let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
                std::fs::create_dir_all(&self.data_dir)
                    .map_err(|e| format!("cannot create {}: {e}", self.data_dir.display()))?;
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    opts.mode(0o600);
                }
                let mut f = opts.open(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                writeln!(f, "{hex}").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Ok((key.to_vec(), Some(path)))
            }
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }
}

/// Hides the password of `scheme://user:password@host`.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((creds, host)) = rest.rsplit_once('@') {
            let user = creds.split(':').next().unwrap_or("");
            return format!("{scheme}://{user}:***@{host}");
        }
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_embedded() {
        let c = with(&[]).expect("defaults");
        assert_eq!(c.database_url, "sqlite://data/portal.db?mode=rwc");
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_base_url, "http://127.0.0.1:3000");
        assert_eq!(c.time_zone, "Asia/Shanghai");
        assert_eq!((c.api_per_token_per_minute, c.api_per_address_per_minute), (600, 1200));
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        assert_eq!(with(&[("PORTAL_BIND", "nowhere")]).unwrap_err().var, "PORTAL_BIND");
        assert_eq!(with(&[("PORTAL_TIME_ZONE", "Mars/Base")]).unwrap_err().var, "PORTAL_TIME_ZONE");
        assert_eq!(with(&[("PORTAL_DATABASE_URL", "mysql://x")]).unwrap_err().var, "PORTAL_DATABASE_URL");
        assert_eq!(with(&[("PORTAL_PUBLIC_URL", "ftp://x")]).unwrap_err().var, "PORTAL_PUBLIC_URL");
        assert_eq!(with(&[("PORTAL_SMTP_URL", "mail.example")]).unwrap_err().var, "PORTAL_SMTP_URL");
        assert_eq!(with(&[("PORTAL_SIGNIN_PER_MINUTE", "0")]).unwrap_err().var, "PORTAL_SIGNIN_PER_MINUTE");
        assert_eq!(
            with(&[("PORTAL_API_PER_TOKEN_PER_MINUTE", "lots")]).unwrap_err().var,
            "PORTAL_API_PER_TOKEN_PER_MINUTE"
        );
        assert_eq!(
            with(&[("PORTAL_API_PER_ADDRESS_PER_MINUTE", "0")]).unwrap_err().var,
            "PORTAL_API_PER_ADDRESS_PER_MINUTE"
        );
        assert_eq!(
            with(&[("PORTAL_TRUSTED_PROXIES", "10.0.0.0/8, lb.internal")]).unwrap_err().var,
            "PORTAL_TRUSTED_PROXIES"
        );
        assert_eq!(with(&[("PORTAL_AUDIT_KEY", "abcd")]).unwrap_err().var, "PORTAL_AUDIT_KEY");
        assert_eq!(parse_audit_key(&"0f".repeat(32)).map(|k| k.len()), Some(32));
        assert_eq!(parse_audit_key(&"zz".repeat(32)), None);
    }

    #[test]
    fn secrets_are_not_printed() {
        let c = with(&[
            ("PORTAL_DATABASE_URL", "postgres://app:s3cret@db/portal"),
            ("PORTAL_SMTP_URL", "smtp://mail:pw@mx.example:587"),
        ])
        .expect("config");
        let text = c.describe();
        assert!(!text.contains("s3cret") && !text.contains(":pw@"), "{text}");
        assert!(text.contains("postgres://app:***@db/portal"));
    }
}
