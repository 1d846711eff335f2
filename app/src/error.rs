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
    #[error("a second factor must be set up first")]
    MustEnrolSecondFactor,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The request could not be read at all (malformed arguments or query string).
    #[error("malformed request")]
    Malformed,
    /// Fields' values were refused, each naming its form field (never empty).
    #[error("invalid input")]
    Invalid { fields: Vec<FieldMsg> },
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

/// One refused field and its reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldMsg {
    pub field: String,
    pub msg: Msg,
    /// A value the message needs to be acted on (a date), shown after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl FieldMsg {
    /// The message in `locale`, with its detail after it.
    pub fn text(&self, locale: Locale) -> String {
        match &self.detail {
            Some(d) => format!("{} {d}", self.msg.text(locale)),
            None => self.msg.text(locale).to_string(),
        }
    }
}

impl AppError {
    pub fn invalid(field: &str, msg: Msg) -> Self {
        AppError::Invalid { fields: vec![FieldMsg { field: field.into(), msg, detail: None }] }
    }

    pub fn message(&self, locale: Locale) -> String {
        match self {
            AppError::NotSignedIn => Msg::ErrNotSignedIn.text(locale).into(),
            AppError::MustChangePassword => Msg::MustChangeNotice.text(locale).into(),
            AppError::MustEnrolSecondFactor => Msg::MustEnrolNotice.text(locale).into(),
            AppError::Forbidden => Msg::ErrForbidden.text(locale).into(),
            AppError::NotFound => Msg::ErrNotFound.text(locale).into(),
            AppError::Malformed => Msg::ErrBadRequest.text(locale).into(),
            AppError::Invalid { fields } => fields.iter().map(|f| f.text(locale)).collect::<Vec<_>>().join(" "),
            AppError::Conflict { msg, .. } => msg.text(locale).into(),
            AppError::CrossOrigin => Msg::ErrCrossOrigin.text(locale).into(),
            AppError::Internal { request_id } => format!("{} {request_id}", Msg::ErrInternal.text(locale)),
            AppError::Transport(detail) => format!("{} {detail}", Msg::ErrInternal.text(locale)),
        }
    }

    /// The (first) field the error is about.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { fields } => fields.first().map(|f| f.field.as_str()),
            AppError::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request itself was malformed: a 400 naming no internals, never a 500. On the
            // server a body that does not decode (bytes that are no UTF-8) is the request's fault
            // too; in the browser the same error is about an answer, so a transport problem.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::malformed_request(),
            ServerFnErrorErr::Deserialization(_) if cfg!(feature = "ssr") => AppError::malformed_request(),
            other => AppError::Transport(other.to_string()),
        }
    }
}

impl AppError {
    /// A request that does not read, answered 400.
    fn malformed_request() -> AppError {
        #[cfg(feature = "ssr")]
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(crate::backend::error::status_of(&AppError::Malformed));
        }
        AppError::Malformed
    }
}
