//! The service layer's error, and its one mapping to what pages, plain routes and the API are told.
use crate::{
    error::{AppError, FieldMsg},
    i18n::{Locale, Msg},
};
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use sea_orm::DbErr;

/// One refused input field and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub msg: Msg,
    /// A value the message needs to be acted on (the earliest date a change could start).
    pub detail: Option<String>,
}

impl FieldError {
    pub fn new(field: &'static str, msg: Msg) -> Self {
        FieldError { field, msg, detail: None }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("password change required")]
    MustChangePassword,
    #[error("a second factor must be set up first")]
    MustEnrolSecondFactor,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The request itself could not be read (a malformed query string or body), before any field.
    #[error("malformed request")]
    Malformed,
    /// Fields refused, every one found in one pass (never empty).
    #[error("invalid {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("conflict on {field}: {msg:?}")]
    Conflict { field: &'static str, msg: Msg },
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("internal: {0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn invalid(field: &'static str, msg: Msg) -> Self {
        ServiceError::Invalid(vec![FieldError::new(field, msg)])
    }

    /// The first refused field, if this is a field error.
    pub fn first_field(&self) -> Option<FieldError> {
        match self {
            ServiceError::Invalid(fields) => fields.first().cloned(),
            _ => None,
        }
    }

    /// The one place a service error becomes what a person is told. Internals are logged
    /// under the request id and never sent.
    pub fn into_app_error(self, request_id: &str) -> AppError {
        match self {
            ServiceError::NotSignedIn => AppError::NotSignedIn,
            ServiceError::MustChangePassword => AppError::MustChangePassword,
            ServiceError::MustEnrolSecondFactor => AppError::MustEnrolSecondFactor,
            ServiceError::Forbidden => AppError::Forbidden,
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::Malformed => AppError::Malformed,
            ServiceError::Invalid(fields) => AppError::Invalid {
                fields: fields
                    .into_iter()
                    .map(|f| FieldMsg { field: f.field.into(), msg: f.msg, detail: f.detail })
                    .collect(),
            },
            ServiceError::Conflict { field, msg } => AppError::Conflict { field: field.into(), msg },
            ServiceError::Db(e) => {
                tracing::error!(request_id, error = %e, "database error");
                AppError::Internal { request_id: request_id.into() }
            }
            ServiceError::Internal(e) => {
                tracing::error!(request_id, error = %e, "internal error");
                AppError::Internal { request_id: request_id.into() }
            }
        }
    }
}

/// The HTTP status of an error — the one decision, for pages, server functions, plain routes and
/// the machine API alike (a person's mistake is never a 500).
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::NotSignedIn => StatusCode::UNAUTHORIZED,
        AppError::MustChangePassword
        | AppError::MustEnrolSecondFactor
        | AppError::Forbidden
        | AppError::CrossOrigin => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Malformed => StatusCode::BAD_REQUEST,
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::Internal { .. } | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A plain route's error answer: the status of [`status_of`] and the message as text.
pub fn plain_error(e: ServiceError, request_id: &str, locale: Locale) -> Response {
    let e = e.into_app_error(request_id);
    (status_of(&e), e.message(locale)).into_response()
}

/// Collects every refused field of a form, so one answer names them all.
#[derive(Debug, Default)]
pub struct Fields(Vec<FieldError>);

impl Fields {
    pub fn new() -> Self {
        Fields::default()
    }

    /// Keeps a parsed value, or records the field's refusal.
    pub fn check<T>(&mut self, field: &'static str, parsed: Result<T, Msg>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(msg) => {
                self.refuse(field, msg);
                None
            }
        }
    }

    pub fn refuse(&mut self, field: &'static str, msg: Msg) {
        // One message per field: the first reason found is the one to fix first.
        if !self.0.iter().any(|f| f.field == field) {
            self.0.push(FieldError::new(field, msg));
        }
    }

    /// Refuses a field with a value the person needs to act on (shown after the message).
    pub fn refuse_with(&mut self, field: &'static str, msg: Msg, detail: String) {
        if !self.0.iter().any(|f| f.field == field) {
            self.0.push(FieldError { field, msg, detail: Some(detail) });
        }
    }

    /// `Ok` when nothing was refused.
    pub fn finish(self) -> ServiceResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(self.0))
        }
    }

    /// Every refusal, or the value `build` makes from the parsed fields (with `?` on each
    /// `Option` that [`Fields::check`] gave: none is `None` once nothing was refused).
    pub fn finish_with<T>(self, build: impl FnOnce() -> Option<T>) -> ServiceResult<T> {
        self.finish()?;
        build().ok_or_else(|| ServiceError::Internal("a field was refused without a reason".into()))
    }
}

/// A named unique index or foreign key, as the database reports it when refused: PostgreSQL names
/// the constraint; SQLite names the columns (`UNIQUE constraint failed: t.a, t.b`) instead.
#[derive(Debug, Clone, Copy)]
pub struct Constraint {
    pub name: &'static str,
    /// `table.column` list, comma-separated, in the index's order.
    pub columns: &'static str,
}

impl Constraint {
    fn is_named_in(&self, detail: &str) -> bool {
        detail.contains(&format!("\"{}\"", self.name))
            || detail.split_once("constraint failed: ").is_some_and(|(_, cols)| cols.trim() == self.columns)
    }
}

/// Maps the database's constraint violations to what a person is told, so "already exists" needs
/// no racy pre-check.
pub trait OnConstraint<T> {
    /// Any unique violation becomes a conflict on `field` (for a table with one unique key).
    fn on_unique(self, field: &'static str, msg: Msg) -> ServiceResult<T>;
    /// A violation of one of these constraints becomes its conflict, told apart by the
    /// constraint's name; any other database error stays one.
    fn on_constraints(self, named: &[(Constraint, &'static str, Msg)]) -> ServiceResult<T>;
}

impl<T> OnConstraint<T> for Result<T, DbErr> {
    fn on_unique(self, field: &'static str, msg: Msg) -> ServiceResult<T> {
        self.map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ServiceError::Conflict { field, msg },
            _ => ServiceError::Db(e),
        })
    }

    fn on_constraints(self, named: &[(Constraint, &'static str, Msg)]) -> ServiceResult<T> {
        self.map_err(|e| match violated(&e, named) {
            Some((field, msg)) => ServiceError::Conflict { field, msg },
            None => ServiceError::Db(e),
        })
    }
}

/// Which of the named constraints a database error violated, if any.
pub fn violated(e: &DbErr, named: &[(Constraint, &'static str, Msg)]) -> Option<(&'static str, Msg)> {
    let detail = match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(d) | sea_orm::SqlErr::ForeignKeyConstraintViolation(d)) => d,
        _ => return None,
    };
    constraint_named(&detail, named)
}

fn constraint_named(detail: &str, named: &[(Constraint, &'static str, Msg)]) -> Option<(&'static str, Msg)> {
    named.iter().find(|(c, _, _)| c.is_named_in(detail)).map(|(_, field, msg)| (*field, *msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_collect_every_refusal_once() {
        let mut f = Fields::new();
        assert_eq!(f.check("name", Ok::<_, Msg>(1)), Some(1));
        assert_eq!(f.check::<i32>("domain", Err(Msg::ErrChoose)), None);
        f.refuse("phase", Msg::ErrChoose);
        f.refuse("domain", Msg::ErrNameRequired);
        match f.finish() {
            Err(ServiceError::Invalid(fields)) => {
                let names: Vec<_> = fields.iter().map(|f| f.field).collect();
                assert_eq!(names, ["domain", "phase"]);
                assert_eq!(fields[0].msg, Msg::ErrChoose, "the first reason is kept");
            }
            other => panic!("expected field errors, got {other:?}"),
        }
        assert!(Fields::new().finish().is_ok());
    }

    #[test]
    fn constraints_are_told_apart_by_name() {
        const DOMAIN: Constraint = Constraint { name: "uq_website_domain", columns: "website.domain" };
        const PAIR: Constraint = Constraint {
            name: "uq_review_version",
            columns: "report_review.submission_id, report_review.version_number",
        };
        let named = [(DOMAIN, "domain", Msg::ErrChoose), (PAIR, "decision", Msg::ErrNameRequired)];
        let pg = "duplicate key value violates unique constraint \"uq_review_version\"";
        assert_eq!(constraint_named(pg, &named), Some(("decision", Msg::ErrNameRequired)));
        let sqlite_pair = "UNIQUE constraint failed: report_review.submission_id, report_review.version_number";
        assert_eq!(constraint_named(sqlite_pair, &named), Some(("decision", Msg::ErrNameRequired)));
        let sqlite = "UNIQUE constraint failed: website.domain";
        assert_eq!(constraint_named(sqlite, &named), Some(("domain", Msg::ErrChoose)));
        assert_eq!(constraint_named("UNIQUE constraint failed: website.name", &named), None);
    }

    #[test]
    fn one_status_per_error() {
        assert_eq!(status_of(&AppError::NotSignedIn), StatusCode::UNAUTHORIZED);
        assert_eq!(status_of(&AppError::MustChangePassword), StatusCode::FORBIDDEN);
        assert_eq!(status_of(&AppError::Malformed), StatusCode::BAD_REQUEST);
        assert_eq!(
            status_of(&ServiceError::invalid("x", Msg::ErrChoose).into_app_error("r")),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            status_of(&ServiceError::Internal("boom".into()).into_app_error("r")),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
