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
