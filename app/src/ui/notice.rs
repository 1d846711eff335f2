//! What an action did, said on the page the person lands on. With JavaScript the page says it
//! through this context; without, the session's flash does (`ui::form::serve_done`), from the
//! same [`Done`], so both paths say the same words and land on the same page.
use leptos::{html::Form, prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_location, use_navigate};
use serde::{Deserialize, Serialize};

use crate::i18n::{t, Msg};

/// What a successful action says, and where the person goes next (`None`: stays on the page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Done {
    pub said: Msg,
    pub go: Option<String>,
}

impl Done {
    /// Says `said` on the page the action was taken on.
    pub fn here(said: Msg) -> Done {
        Done { said, go: None }
    }

    /// Says `said` on the page at `path` (a confirmation page hands back to the record).
    pub fn then(said: Msg, path: impl Into<String>) -> Done {
        Done { said, go: Some(path.into()) }
    }
}

/// What a plain save says.
pub fn saved<T>(_: &T) -> Done {
    Done::here(Msg::Saved)
}

/// The message waiting to be shown, and the path it is for.
#[derive(Clone, Copy)]
pub struct Notices(RwSignal<Option<(String, Msg)>>);

/// Made once for the whole app, so a message survives the navigation that follows an action.
pub fn provide() {
    provide_context(Notices(RwSignal::new(None)));
}

/// Shows the waiting message while the person is on the page it was said for.
#[component]
pub fn NoticeView() -> impl IntoView {
    let notices = use_context::<Notices>();
    let path = use_location().pathname;
    move || {
        let (for_path, said) = notices?.0.get()?;
        (for_path == path.get()).then(|| {
            view! { <div class="notice ok" role="status" data-test="action-done"><p>{t(said)}</p></div> }
        })
    }
}

/// After `action` succeeds: says what `done` says (going where it says), and clears `form` and
/// closes the disclosure around it, so a finished form does not stand open, filled in.
pub fn when_done<S>(action: ServerAction<S>, form: Option<NodeRef<Form>>, done: impl Fn(&S::Output) -> Done + 'static)
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let notices = use_context::<Notices>();
    let navigate = use_navigate();
    let here = use_location().pathname;
    Effect::new(move |_| {
        let Some(done) = action.value().with(|v| match v {
            Some(Ok(out)) => Some(done(out)),
            // A refusal says its own words; an earlier success's message would contradict it.
            Some(Err(_)) => {
                if let Some(n) = notices {
                    n.0.set(None);
                }
                None
            }
            None => None,
        }) else {
            return;
        };
        if let Some(f) = form.and_then(|f| f.get_untracked()) {
            f.reset();
            if let Ok(Some(details)) = f.closest("details") {
                let _ = details.remove_attribute("open");
            }
        }
        let to = done.go.clone().unwrap_or_else(|| here.get_untracked());
        if let Some(n) = notices {
            n.0.set(Some((to.clone(), done.said)));
        }
        if done.go.is_some() {
            navigate(&to, Default::default());
        }
    });
}
