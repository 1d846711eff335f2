//! Request limits per key: sign-in attempts per address, and the machine API per token and per
//! address (governor's keyed limiters; a job sweeps idle keys so memory stays bounded).
use std::{net::IpAddr, num::NonZeroU32};

use governor::{
    clock::{Clock as _, DefaultClock},
    state::keyed::DefaultKeyedStateStore,
    NotUntil, Quota, RateLimiter,
};
use sha2::{Digest, Sha256};

pub type KeyedLimiter<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

/// A limiter allowing `per_minute` requests a minute per key, in bursts of up to `per_minute`.
pub fn per_minute<K: std::hash::Hash + Eq + Clone>(per_minute: u32) -> KeyedLimiter<K> {
    RateLimiter::keyed(Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN)))
}

/// Whole seconds until a refused key may try again (at least one, for `Retry-After`).
pub fn wait_secs(not_until: &NotUntil<governor::clock::QuantaInstant>) -> u64 {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// The machine API's two limits. The address is checked first, so a flood of made-up tokens from
/// one address cannot fill the token table faster than the address's own limit.
pub struct ApiLimits {
    per_token: KeyedLimiter<[u8; 16]>,
    per_address: KeyedLimiter<IpAddr>,
}

/// Which limit refused a request, and how long to wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiRefusal {
    Address { retry_after: u64 },
    Token { retry_after: u64 },
}

impl ApiRefusal {
    pub fn retry_after(self) -> u64 {
        match self {
            ApiRefusal::Address { retry_after } | ApiRefusal::Token { retry_after } => retry_after,
        }
    }
}

impl ApiLimits {
    pub fn new(per_token_per_minute: u32, per_address_per_minute: u32) -> Self {
        ApiLimits { per_token: per_minute(per_token_per_minute), per_address: per_minute(per_address_per_minute) }
    }

    /// Counts one request from `address` with `token` (the bearer text, if any) against both limits.
    pub fn check(&self, address: IpAddr, token: Option<&str>) -> Result<(), ApiRefusal> {
        self.per_address.check_key(&address).map_err(|n| ApiRefusal::Address { retry_after: wait_secs(&n) })?;
        if let Some(token) = token {
            // The token's digest is the key: the secret itself is never kept in memory here.
            let digest = Sha256::digest(token.as_bytes());
            let mut key = [0u8; 16];
            key.copy_from_slice(&digest[..16]);
            self.per_token.check_key(&key).map_err(|n| ApiRefusal::Token { retry_after: wait_secs(&n) })?;
        }
        Ok(())
    }

    /// Forgets keys whose limit has fully recovered.
    pub fn sweep(&self) {
        self.per_token.retain_recent();
        self.per_token.shrink_to_fit();
        self.per_address.retain_recent();
        self.per_address.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_and_an_address_are_limited_apart() {
        let limits = ApiLimits::new(2, 3);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert_eq!(limits.check(a, Some("pt_one")), Ok(()));
        assert_eq!(limits.check(a, Some("pt_one")), Ok(()));
        // The token's third request is refused, from any address.
        assert!(matches!(limits.check(b, Some("pt_one")), Err(ApiRefusal::Token { retry_after }) if retry_after >= 1));
        // Another token has its own minute: the first address's third request passes, its fourth not.
        assert_eq!(limits.check(a, Some("pt_two")), Ok(()));
        assert!(matches!(limits.check(a, Some("pt_two")), Err(ApiRefusal::Address { .. })));
        // The second address has made one (refused by the token, counted all the same).
        assert_eq!(limits.check(b, Some("pt_two")), Ok(()));
        // No token: only the address counts.
        assert_eq!(limits.check(b, None), Ok(()));
        assert!(matches!(limits.check(b, None), Err(ApiRefusal::Address { .. })));
        limits.sweep();
    }
}
