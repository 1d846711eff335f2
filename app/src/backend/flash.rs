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
    session.remove::<Flash>(KEY).await.ok().flatten()
}
