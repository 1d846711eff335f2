//! The service layer's error, and its one mapping to what pages are told.
use crate::{error::AppError, i18n::Msg};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("password change required")]
    MustChangePassword,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid {field}: {msg:?}")]
    Invalid { field: &'static str, msg: Msg },
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
        ServiceError::Invalid { field, msg }
    }

    /// The one place a service error becomes what a person is told. Internals are logged
    /// under the request id and never sent.
    pub fn into_app_error(self, request_id: &str) -> AppError {
        match self {
            ServiceError::NotSignedIn => AppError::NotSignedIn,
            ServiceError::MustChangePassword => AppError::MustChangePassword,
            ServiceError::Forbidden => AppError::Forbidden,
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::Invalid { field, msg } => AppError::Invalid {
                field: field.into(),
                msg,
            },
            ServiceError::Conflict { field, msg } => AppError::Conflict {
                field: field.into(),
                msg,
            },
            ServiceError::Db(e) => {
                tracing::error!(request_id, error = %e, "database error");
                AppError::Internal {
                    request_id: request_id.into(),
                }
            }
            ServiceError::Internal(e) => {
                tracing::error!(request_id, error = %e, "internal error");
                AppError::Internal {
                    request_id: request_id.into(),
                }
            }
        }
    }
}

/// Turns a unique-constraint violation into a field error, so "already exists" needs no racy pre-check.
pub trait OnConstraint<T> {
    fn on_unique(self, field: &'static str, msg: Msg) -> ServiceResult<T>;
}

impl<T> OnConstraint<T> for Result<T, DbErr> {
    fn on_unique(self, field: &'static str, msg: Msg) -> ServiceResult<T> {
        self.map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ServiceError::Conflict { field, msg },
            _ => ServiceError::Db(e),
        })
    }
}
