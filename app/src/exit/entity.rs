//! sea-orm entities for exits: the exit, its plan's steps, its inventory's items, and the
//! reminders already sent.

entity! {
    /// An agency's exit from one engagement.
    exit = "exit" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub engagement_id: Uuid,
        pub open_engagement_id: Option<Uuid>,
        pub agency_id: Uuid,
        pub provider_id: Uuid,
        pub assessor_id: Option<Uuid>,
        pub reason: String,
        pub reason_text: String,
        pub target_date: TimeDate,
        pub new_provider: String,
        pub status: String,
        pub opened_by: Uuid,
        pub opened_at: TimeDateTimeWithTimeZone,
        pub plan_agreed_agency_at: Option<TimeDateTimeWithTimeZone>,
        pub plan_agreed_provider_at: Option<TimeDateTimeWithTimeZone>,
        pub deletion_plan: String,
        pub deletion_plan_at: Option<TimeDateTimeWithTimeZone>,
        pub data_deleted_on: Option<TimeDate>,
        pub backups_deleted_on: Option<TimeDate>,
        pub deletion_note: String,
        pub deletion_confirmed_at: Option<TimeDateTimeWithTimeZone>,
        pub deletion_confirmed_by: Option<Uuid>,
        pub signed_off_at: Option<TimeDateTimeWithTimeZone>,
        pub signed_off_by: Option<Uuid>,
        pub sign_off_note: String,
        pub completed_at: Option<TimeDateTimeWithTimeZone>,
        pub cancelled_at: Option<TimeDateTimeWithTimeZone>,
        pub closing_reason: String,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A step of an exit's plan (§9.3.2).
    step = "exit_step" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub exit_id: Uuid,
        pub position: i32,
        pub title: String,
        pub owner: String,
        pub due_on: TimeDate,
        pub done_at: Option<TimeDateTimeWithTimeZone>,
        pub done_by: Option<Uuid>,
        pub added_by: Uuid,
        pub added_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// An item of the handover inventory (§9.3.3).
    item = "exit_item" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub exit_id: Uuid,
        pub position: i32,
        pub kind: String,
        pub name: String,
        pub description: String,
        pub format: String,
        pub size_bytes: i64,
        pub sha256: String,
        pub sensitivity: String,
        pub medium: String,
        pub file_sha256: Option<String>,
        pub file_name: Option<String>,
        pub file_type: Option<String>,
        pub file_size: i64,
        pub verification: String,
        pub checked_sha256: Option<String>,
        pub checked_how: Option<String>,
        pub checked_at: Option<TimeDateTimeWithTimeZone>,
        pub checked_by: Option<Uuid>,
        pub added_by: Uuid,
        pub added_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A reminder sent: one per subject (a step, or an exit's target date) per day.
    reminder = "exit_reminder" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub subject_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: TimeDate,
        pub exit_id: Uuid,
        pub sent_at: TimeDateTimeWithTimeZone,
    }
}
