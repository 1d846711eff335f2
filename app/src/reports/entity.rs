//! sea-orm entities for report obligations, submissions, versions, files, reviews, and reminders.

/// Who owes which report to whom, how often.
pub mod obligation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_obligation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub kind: String,
        pub submitter_id: Uuid,
        pub receiver_id: Uuid,
        /// The agency the report is about (the receiver, or the submitter of a report to a regulator).
        pub agency_id: Uuid,
        pub engagement_id: Option<Uuid>,
        pub cadence: String,
        pub due_day: i16,
        /// First day of the first period.
        pub first_period: TimeDate,
        pub last_period: Option<TimeDate>,
        pub created_by: Uuid,
        pub created_at: TimeDateTimeWithTimeZone,
        /// When it was ended early (by the receiving side, or with its engagement).
        pub ended_on: Option<TimeDate>,
        pub end_reason: Option<String>,
        /// Who ended it; `None` when it ended with its engagement.
        pub ended_by: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One obligation's one period: its status and how many versions it has.
pub mod submission {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_submission")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub obligation_id: Uuid,
        pub period_start: TimeDate,
        pub status: String,
        pub versions: i32,
        pub first_submitted_at: TimeDateTimeWithTimeZone,
        pub last_submitted_at: TimeDateTimeWithTimeZone,
        pub decided_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One version of a submission; never changed once written.
pub mod version {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_version")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub submission_id: Uuid,
        pub number: i32,
        /// The summary as JSON.
        pub summary: String,
        pub submitted_by: Uuid,
        pub submitted_at: TimeDateTimeWithTimeZone,
        pub idempotency_key: Option<String>,
        /// SHA-256 of what was sent, to tell a retry from a different request under the same key.
        pub fingerprint: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A file attached to a version; its bytes are stored under their SHA-256.
pub mod file {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_file")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub version_id: Uuid,
        pub name: String,
        pub media_type: String,
        pub size: i64,
        pub sha256: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A decision on one version.
pub mod review {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_review")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub submission_id: Uuid,
        pub version_number: i32,
        pub decision: String,
        pub comment: String,
        pub reviewer_id: Uuid,
        pub reviewed_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    /// One decision per version: a second reviewer racing the first is refused by this index.
    pub const UQ_REVIEW_VERSION: crate::backend::error::Constraint = crate::backend::error::Constraint {
        name: "uq_review_version",
        columns: "report_review.submission_id, report_review.version_number",
    };
}

/// A reminder already sent (its key makes each one go out once).
pub mod reminder {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_reminder")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub obligation_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub period_start: TimeDate,
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        pub sent_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A period of an obligation in the work window (its latest twelve begun): the work list's row,
/// so the list is filtered, ordered and paged in SQL. Kept by `service::periods`.
pub mod period {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_period")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub obligation_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub period_start: TimeDate,
        pub end_on: TimeDate,
        pub due_on: TimeDate,
        /// A first version sent at or after this moment (the day after the due day began, in the
        /// portal's time zone) was late.
        pub late_from: TimeDateTimeWithTimeZone,
        pub agency_id: Uuid,
        /// The agency's name, the list's third order (kept when the platform renames it).
        pub agency_name: String,
        /// Where the period's submission is: a [`super::super::service::Stage`] code.
        pub stage: String,
        /// The first version came at or after `late_from`.
        pub late: bool,
        pub versions: i32,
        pub submission_id: Option<Uuid>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// How many work-list rows a regulator's agencies have in one stage and period: the list's
/// counts for a jurisdiction, summed over its regulators. Kept by database triggers on
/// `report_period` and on an agency's move (migration 11); never written by the portal.
pub mod tally {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_tally")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub regulator_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub stage: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub period_start: TimeDate,
        #[sea_orm(primary_key, auto_increment = false)]
        pub end_on: TimeDate,
        #[sea_orm(primary_key, auto_increment = false)]
        pub due_on: TimeDate,
        pub periods: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
