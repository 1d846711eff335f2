//! One-shot messages kept in the session, so a form posted without JavaScript still shows its outcome.
pub use crate::auth::Flash;
use tower_sessions::Session;

const KEY: &str = "flash";

pub async fn set(session: &Session, flash: Flash) {
    if let Err(e) = session.insert(KEY, flash).await {
        tracing::warn!(error = %e, "could not store a flash message");
    }
}

pub async fn take(session: &Session) -> Option<Flash> {
    // Removing marks the session changed (a write), so only when there is something to take.
    session.get::<Flash>(KEY).await.ok().flatten()?;
    session.remove::<Flash>(KEY).await.ok().flatten()
}

/// Whether a message is waiting (a page showing it must not be served from a cache).
pub async fn pending(session: &Session) -> bool {
    session.get::<Flash>(KEY).await.ok().flatten().is_some()
}
