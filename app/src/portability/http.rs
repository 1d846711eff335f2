//! The agency administrator's download of the whole archive: `GET /organisation/archive.zip`,
//! written to a temporary file (a large agency's archive does not fit a response buffer) and
//! streamed from it.
use axum::{body::Body, http::header, response::IntoResponse, response::Response};

use super::service::{self, PortError};
use crate::{
    audit::{
        service::{append, AuditEntry},
        AuditAction,
    },
    backend::{
        route::{attachment, Asker},
        ServiceError,
    },
};

/// `GET /organisation/archive.zip`: everything the administrator's agency owns.
pub async fn download(ask: Asker) -> Response {
    let (state, actor) = (&ask.state, &ask.actor);
    ask.answer(async {
        let cap = super::scope::Exporter::for_actor(actor)?;
        let agency = cap.agency_id();
        let now = state.clock.now();
        let tmp = state.files.root().join("tmp");
        tokio::fs::create_dir_all(&tmp).await.map_err(|e| ServiceError::Internal(format!("{}: {e}", tmp.display())))?;
        let path = tmp.join(format!("archive-{}.zip", uuid::Uuid::new_v4()));
        let schema = service::schema_of(&state.db).await?;
        let done = service::export_agency(&state.db, &state.files, &schema, &cap, now, &path).await;
        let exported = done.map_err(|e| match e {
            PortError::NotAnAgency(_) => ServiceError::Forbidden,
            other => ServiceError::Internal(other.to_string()),
        })?;
        let file = tokio::fs::File::open(&path).await.map_err(|e| ServiceError::Internal(e.to_string()));
        // The open handle keeps the bytes readable; the name goes at once.
        let _ = tokio::fs::remove_file(&path).await;
        let file = file?;
        let rows: usize = exported.manifest.tables.iter().map(|(_, n)| n).sum();
        append(
            &state.db,
            now,
            AuditEntry::by(
                actor,
                &ask.meta,
                AuditAction::AgencyExport,
                format!("organisation:{agency}"),
                format!("{rows} records and {} files, {} bytes", exported.manifest.entries.iter().filter(|e| e.path.starts_with("files/")).count(), exported.bytes),
            ),
        )
        .await?;
        let day = crate::backend::time_fmt::date_in_zone(now, &actor.time_zone);
        let name = format!("{}-{day}.zip", exported.manifest.agency_name);
        Ok((
            [
                (header::CONTENT_TYPE, "application/zip".to_string()),
                (header::CONTENT_LENGTH, exported.bytes.to_string()),
                (header::CONTENT_DISPOSITION, attachment(&name)),
                (header::CACHE_CONTROL, "private, no-store".into()),
            ],
            Body::from_stream(tokio_util::io::ReaderStream::new(file)),
        )
            .into_response())
    })
    .await
}
