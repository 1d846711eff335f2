//! The error that crosses the wire to pages: a domain reason with a translatable message.
use crate::i18n::{Locale, Msg};
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("the password must be changed first")]
    MustChangePassword,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// A field's value was refused; `field` names the form field.
    #[error("invalid {field}")]
    Invalid { field: String, msg: Msg },
    #[error("conflict on {field}")]
    Conflict { field: String, msg: Msg },
    #[error("cross-origin request refused")]
    CrossOrigin,
    /// Details are in the server log under this id, never here.
    #[error("internal error, request {request_id}")]
    Internal { request_id: String },
    /// The transport failed (network, serialisation).
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, msg: Msg) -> Self {
        AppError::Invalid {
            field: field.into(),
            msg,
        }
    }

    pub fn message(&self, locale: Locale) -> String {
        match self {
            AppError::NotSignedIn => Msg::ErrNotSignedIn.text(locale).into(),
            AppError::MustChangePassword => Msg::MustChangeNotice.text(locale).into(),
            AppError::Forbidden => Msg::ErrForbidden.text(locale).into(),
            AppError::NotFound => Msg::ErrNotFound.text(locale).into(),
            AppError::Invalid { msg, .. } | AppError::Conflict { msg, .. } => msg.text(locale).into(),
            AppError::CrossOrigin => Msg::ErrCrossOrigin.text(locale).into(),
            AppError::Internal { request_id } => format!("{} {request_id}", Msg::ErrInternal.text(locale)),
            AppError::Transport(detail) => format!("{} {detail}", Msg::ErrInternal.text(locale)),
        }
    }

    /// A short code for a no-JavaScript redirect's query string.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } | AppError::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request itself was malformed: a 400 naming no internals, never a 500.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                #[cfg(feature = "ssr")]
                if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                    res.set_status(axum::http::StatusCode::BAD_REQUEST);
                }
                AppError::Invalid {
                    field: "request".into(),
                    msg: Msg::ErrBadRequest,
                }
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}
