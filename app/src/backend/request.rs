//! What the server middleware learns about each request: its id, source address and agent.
use leptos::prelude::use_context;

#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub request_id: String,
    pub source_addr: Option<String>,
    pub user_agent: Option<String>,
}

impl RequestMeta {
    /// The current request's metadata inside a server function or page render.
    pub fn current() -> RequestMeta {
        use_context::<axum::http::request::Parts>()
            .and_then(|p| p.extensions.get::<RequestMeta>().cloned())
            .unwrap_or_default()
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy, in which case the
/// forwarding headers are read from the nearest hop outwards and the first address that is not a
/// trusted proxy is the client (a client can put anything at the far end of those headers, so
/// only what trusted proxies appended counts). `Forwarded` (RFC 7239) wins over `X-Forwarded-For`.
pub fn client_addr(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<String> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                k.trim().eq_ignore_ascii_case("for").then(|| v.trim().to_string())
            })
        })
        .collect();
    let hops: Vec<String> = if forwarded.is_empty() {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .collect()
    } else {
        forwarded
    };
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            // An unreadable hop ("unknown", an obfuscated name): stop at the last one known.
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// One hop of a forwarding header: `1.2.3.4`, `1.2.3.4:5678`, `"[2001:db8::1]:80"`, `2001:db8::1`.
fn parse_hop(hop: &str) -> Option<std::net::IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    if let Ok(sa) = hop.parse::<std::net::SocketAddr>() {
        return Some(sa.ip());
    }
    None
}

/// `PORTAL_TRUSTED_PROXIES`: addresses or CIDRs, separated by commas or spaces.
pub fn parse_trusted_proxies(text: &str) -> Result<Vec<ipnet::IpNet>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("not an address or CIDR: {s:?}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let trusted = parse_trusted_proxies("10.0.0.0/8, 192.0.2.7").unwrap();
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let xff = headers(&[("x-forwarded-for", "203.0.113.9, 10.1.2.3")]);
        // Straight from the internet: the header is the client's own words, ignored.
        assert_eq!(client_addr(ip("198.51.100.1"), &xff, &trusted), ip("198.51.100.1"));
        // Through the trusted proxies: the first untrusted hop from the right.
        assert_eq!(client_addr(ip("192.0.2.7"), &xff, &trusted), ip("203.0.113.9"));
        // A spoofed far end does not win over what the proxy appended.
        let spoofed = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9")]);
        assert_eq!(client_addr(ip("10.0.0.1"), &spoofed, &trusted), ip("203.0.113.9"));
        let fwd = headers(&[
            ("forwarded", "for=\"[2001:db8::5]:4711\";proto=https, for=10.0.0.2"),
            ("x-forwarded-for", "9.9.9.9"),
        ]);
        assert_eq!(client_addr(ip("10.0.0.1"), &fwd, &trusted), ip("2001:db8::5"));
        assert_eq!(client_addr(ip("10.0.0.1"), &HeaderMap::new(), &trusted), ip("10.0.0.1"));
        assert_eq!(client_addr(ip("10.0.0.1"), &xff, &[]), ip("10.0.0.1"), "no proxy trusted");
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
        assert!(parse_trusted_proxies("proxy.example").is_err());
        assert_eq!(parse_trusted_proxies("").unwrap().len(), 0);
    }
}
