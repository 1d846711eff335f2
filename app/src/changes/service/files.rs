//! Files on a notice: the CSP's attachments to its current revision and the post-change
//! assessment's report, kept in the file store under their SHA-256 as reports' files are; and one
//! file read back for a download, through the reader's reach.
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::*;
use crate::{
    backend::storage::FileStore,
    changes::{
        entity::file,
        scope::{require_csp, ChangeReader},
        FilePurpose, FileView, NoticeStatus, MAX_NOTICE_FILES,
    },
    reports::service::IncomingFile,
};

/// Attaches files to a notice (its CSP only): attachments go with the current revision while the
/// notice is open; the assessment's report once the change is implemented and not yet assessed.
/// The bytes are placed before the transaction commits; if it does not, they stay unreferenced
/// until the file sweep removes them. Returns how many files were attached.
pub async fn attach(
    db: &DatabaseConnection,
    store: &FileStore,
    by: &Acting<'_>,
    w: &ChangeWriter,
    id: Uuid,
    purpose: &str,
    files: Vec<IncomingFile>,
) -> ServiceResult<usize> {
    require_csp(w)?;
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let n = w.notice_for_update(id, txn.get_database_backend()).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    if n.csp_id != w.organisation_id() {
        return Err(ServiceError::invalid("files", Msg::ChErrFilesNotCsp));
    }
    let purpose = FilePurpose::parse(purpose.trim()).ok_or_else(|| ServiceError::invalid("purpose", Msg::ChErrPurpose))?;
    let status = NoticeStatus::parse(&n.status).unwrap_or(NoticeStatus::InReview);
    if status.is_final() {
        return Err(ServiceError::invalid("files", Msg::ChErrFinal));
    }
    if purpose == FilePurpose::Assessment && status != NoticeStatus::Implemented {
        let msg = if matches!(status, NoticeStatus::Assessed) { Msg::ChErrFinal } else { Msg::ChErrNotImplemented };
        return Err(ServiceError::invalid("purpose", msg));
    }
    if files.is_empty() {
        return Err(ServiceError::invalid("files", Msg::ChErrChooseFile));
    }
    let held = w.reader().files(id).count(&txn).await? as usize;
    if held + files.len() > MAX_NOTICE_FILES {
        return Err(ServiceError::invalid("files", Msg::ChErrNoticeFiles));
    }
    let mut names = Vec::with_capacity(files.len());
    for f in files {
        let size = f.received.size as i64;
        let placed = store.place(f.received).await.map_err(|e| ServiceError::Internal(format!("storing a file: {e}")))?;
        file::ActiveModel {
            id: Set(Uuid::now_v7()),
            notice_id: Set(id),
            revision: Set(n.revision),
            purpose: Set(purpose.code().into()),
            name: Set(f.name.clone()),
            content_type: Set(f.media_type),
            size: Set(size),
            sha256: Set(placed.sha256),
            uploaded_by: Set(actor.person_id),
            uploaded_at: Set(now),
        }
        .insert(&txn)
        .await?;
        names.push(f.name);
    }
    AuditEntry::by(
        actor,
        meta,
        AuditAction::ChangeFiles,
        format!("change {}", n.title),
        format!("purpose={}; revision={}; files={}", purpose.code(), n.revision, names.join(", ")),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await?;
    Ok(names.len())
}

/// The assessment report the assessment step will name: the latest attached for this notice.
pub(crate) async fn assessment_file<C: sea_orm::ConnectionTrait>(db: &C, r: &ChangeReader, id: Uuid) -> ServiceResult<Option<Uuid>> {
    use sea_orm::QueryOrder;
    Ok(r.files(id)
        .filter(file::Column::Purpose.eq(FilePurpose::Assessment.code()))
        .order_by_desc(file::Column::UploadedAt)
        .order_by_desc(file::Column::Id)
        .one(db)
        .await?
        .map(|f| f.id))
}

/// A file of a notice in the reader's reach, for its download: its row, which names the bytes.
pub async fn file_for_download(db: &DatabaseConnection, r: &ChangeReader, file_id: Uuid) -> ServiceResult<(FileView, String, String)> {
    let f = r.file(file_id).one(db).await?.ok_or(ServiceError::NotFound)?;
    let view = FileView {
        id: f.id,
        name: f.name.clone(),
        size: f.size,
        sha256: f.sha256.clone(),
        revision: f.revision,
        assessment: f.purpose == FilePurpose::Assessment.code(),
    };
    Ok((view, f.content_type, f.sha256))
}
