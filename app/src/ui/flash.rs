//! One-shot messages kept in the session, so a form posted without JavaScript still shows its outcome.
pub use crate::ui::Flash;
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

const DRAFT: &str = "form_draft";

/// What a refused form carried, for the form shown again (without JavaScript the browser forgets it).
#[derive(serde::Serialize, serde::Deserialize)]
struct Draft {
    /// Which form it belongs to (an obligation's id for a report).
    form: String,
    fields: std::collections::HashMap<String, String>,
}

pub async fn set_draft(session: &Session, form: &str, fields: std::collections::HashMap<String, String>) {
    let draft = Draft { form: form.to_string(), fields };
    if let Err(e) = session.insert(DRAFT, draft).await {
        tracing::warn!(error = %e, "could not keep a refused form's fields");
    }
}

/// The fields kept for this form, once; a draft of another form stays out of it.
pub async fn take_draft(session: &Session, form: &str) -> Option<std::collections::HashMap<String, String>> {
    let draft = session.get::<Draft>(DRAFT).await.ok().flatten()?;
    if draft.form != form {
        return None;
    }
    session.remove::<Draft>(DRAFT).await.ok().flatten().map(|d| d.fields)
}
