//! sea-orm entities for change notices: the working calendar's corrections, engagements' notice
//! terms, notices, their revisions, the agencies and websites they affect, files and steps.

entity! {
    /// A day the platform operator marked otherwise than the seeded calendar.
    work_day = "work_day" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: TimeDate,
        pub holiday: bool,
        pub note: String,
        pub updated_by: Uuid,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// An engagement's notice terms, stricter than the defaults.
    terms = "ch_terms" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub engagement_id: Uuid,
        pub initial_bd: i16,
        pub final_bd: i16,
        pub interruption_hours: i16,
        pub after_bd: i16,
        pub assessment_bd: i16,
        pub adaptive_bd: i16,
        pub updated_by: Uuid,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A notice: its type, its current revision's headline, and what its steps add up to.
    notice = "ch_notice" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub csp_id: Uuid,
        pub change_type: String,
        pub category: String,
        pub emergency: bool,
        pub requires_approval: bool,
        pub revision: i32,
        pub title: String,
        pub planned_start: TimeDateTimeWithTimeZone,
        pub planned_end: TimeDateTimeWithTimeZone,
        pub opt_out_offered: bool,
        pub terms: String,
        pub status: String,
        pub affected: i32,
        pub answered: i32,
        pub submitted_by: Uuid,
        pub submitted_at: TimeDateTimeWithTimeZone,
        pub revised_at: TimeDateTimeWithTimeZone,
        pub approved_at: Option<TimeDateTimeWithTimeZone>,
        pub implemented_at: Option<TimeDateTimeWithTimeZone>,
        pub actual_start: Option<TimeDateTimeWithTimeZone>,
        pub actual_end: Option<TimeDateTimeWithTimeZone>,
        pub verified_on: Option<TimeDate>,
        pub assessed_at: Option<TimeDateTimeWithTimeZone>,
        pub closed_at: Option<TimeDateTimeWithTimeZone>,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// One revision of a notice, kept whole.
    revision = "ch_revision" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub notice_id: Uuid,
        pub number: i32,
        pub title: String,
        pub description: String,
        pub reason: String,
        pub planned_start: TimeDateTimeWithTimeZone,
        pub planned_end: TimeDateTimeWithTimeZone,
        pub impact_analysis: String,
        pub customer_impact: String,
        pub rollback_plan: String,
        pub verification_plan: String,
        pub contact: String,
        pub opt_out_offered: bool,
        pub websites: String,
        pub note: String,
        pub submitted_by: Uuid,
        pub submitted_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// An agency a notice was sent to; `affected` while the current revision names it.
    notice_agency = "ch_agency" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub notice_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub agency_id: Uuid,
        pub affected: bool,
    }
}

entity! {
    /// A website the current revision affects.
    notice_website = "ch_website" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub notice_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub website_id: Uuid,
        pub agency_id: Uuid,
    }
}

entity! {
    /// A file attached to a revision, or the post-change assessment.
    file = "ch_file" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub notice_id: Uuid,
        pub revision: i32,
        pub purpose: String,
        pub name: String,
        pub content_type: String,
        pub size: i64,
        pub sha256: String,
        pub uploaded_by: Uuid,
        pub uploaded_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A recorded fact on a notice: who did what, when, on which revision.
    step = "ch_step" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub notice_id: Uuid,
        pub revision: i32,
        pub kind: String,
        pub organisation_id: Uuid,
        pub person_id: Option<Uuid>,
        pub body: String,
        pub actual_start: Option<TimeDateTimeWithTimeZone>,
        pub actual_end: Option<TimeDateTimeWithTimeZone>,
        pub verified_on: Option<TimeDate>,
        pub file_id: Option<Uuid>,
        pub at: TimeDateTimeWithTimeZone,
    }
}
