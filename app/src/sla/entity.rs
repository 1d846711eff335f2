//! sea-orm entities for SLA tracking: agreement versions, records with their websites and
//! reclassifications, measured entries, day aggregates and month reports (migration 17).

entity! {
    /// One version of an engagement's agreement; read-only once accepted.
    version = "sla_version" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub engagement_id: Uuid,
        pub agency_id: Uuid,
        pub csp_id: Uuid,
        pub number: i32,
        pub status: String,
        pub effective_from: TimeDate,
        pub zone: String,
        pub power_pct: i32,
        pub network_pct: i32,
        pub server_pct: i32,
        pub l1_pct: i32,
        pub l1_hours: i16,
        pub l2_pct: i32,
        pub l2_hours: i16,
        pub service_hours: String,
        pub response_minutes: i16,
        pub backup_every: String,
        pub backup_retention: String,
        pub log_retention: String,
        pub emergency_minutes: i16,
        pub trainings: i16,
        pub maintenance: String,
        pub compensation: String,
        pub unit_minutes: i32,
        pub multiple: i32,
        pub monthly_fee: i64,
        #[sea_orm(column_type = "Text")]
        pub bands: String,
        #[sea_orm(column_type = "Text")]
        pub note: String,
        pub proposed_by: Uuid,
        pub proposed_org: Uuid,
        pub proposed_at: TimeDateTimeWithTimeZone,
        pub answered_by: Option<Uuid>,
        pub answered_at: Option<TimeDateTimeWithTimeZone>,
    }
}

entity! {
    /// An outage, fault or maintenance window, as last classified.
    record = "sla_record" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub engagement_id: Uuid,
        pub agency_id: Uuid,
        pub csp_id: Uuid,
        pub kind: String,
        pub class: String,
        pub started_at: TimeDateTimeWithTimeZone,
        pub ended_at: Option<TimeDateTimeWithTimeZone>,
        pub responded_at: Option<TimeDateTimeWithTimeZone>,
        pub resolved_at: Option<TimeDateTimeWithTimeZone>,
        #[sea_orm(column_type = "Text")]
        pub cause: String,
        pub source: String,
        pub notice_id: Option<Uuid>,
        pub recorded_by: Uuid,
        pub recorded_org: Uuid,
        pub recorded_at: TimeDateTimeWithTimeZone,
        pub review: String,
        pub reviewed_by: Option<Uuid>,
        pub reviewed_at: Option<TimeDateTimeWithTimeZone>,
        #[sea_orm(column_type = "Text")]
        pub review_comment: String,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A website a record touches.
    record_site = "sla_record_site" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub record_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub website_id: Uuid,
    }
}

entity! {
    /// A record's reclassification, with its reason (append-only).
    reclass = "sla_reclass" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub record_id: Uuid,
        pub from_kind: String,
        pub from_class: String,
        pub to_kind: String,
        pub to_class: String,
        #[sea_orm(column_type = "Text")]
        pub reason: String,
        pub person_id: Uuid,
        pub organisation_id: Uuid,
        pub at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A measured entry: a backup run, a restore test, a training, a log-retention check.
    measure = "sla_measure" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub engagement_id: Uuid,
        pub kind: String,
        pub on_day: TimeDate,
        pub passed: bool,
        /// A retention check's finding: the oldest backup or log on hand (migration 19).
        pub oldest: Option<TimeDate>,
        #[sea_orm(column_type = "Text")]
        pub note: String,
        pub recorded_by: Uuid,
        pub recorded_org: Uuid,
        pub recorded_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// One engagement's day for one availability class, in seconds (see migration 17).
    day = "sla_day" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub engagement_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: TimeDate,
        #[sea_orm(primary_key, auto_increment = false)]
        pub class: String,
        pub scheduled: i64,
        pub down: i64,
        pub maint: i64,
        pub overlap: i64,
        pub any_down: i64,
        pub any_all: i64,
    }
}

entity! {
    /// One version of a month's report (append-only): the figures as issued.
    month = "sla_month" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub engagement_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub month: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub version: i32,
        pub agency_id: Uuid,
        pub csp_id: Uuid,
        pub sla_version_id: Uuid,
        pub breached: bool,
        pub compensation: i64,
        #[sea_orm(column_type = "Text")]
        pub figures: String,
        #[sea_orm(column_type = "Text")]
        pub reason: String,
        pub issued_at: TimeDateTimeWithTimeZone,
    }
}
