//! sea-orm entities for rosters, rotations and their members, overrides, special periods and
//! their fixed shifts, offers, the duty stood, handovers, status reports and calendar feeds.

entity! {
    /// A duty desk of an organisation: its people take turns in its rotations.
    roster = "roster" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub name: String,
        /// The zone its special periods and default rotations are typed in.
        pub time_zone: String,
        /// The cover required on ordinary days: `none`, `always`, or hours (`rules::Hours::code`).
        pub cover: String,
        pub phone: String,
        pub email: String,
        pub created_by: Uuid,
        pub created_at: TimeDateTimeWithTimeZone,
        pub archived_at: Option<TimeDateTimeWithTimeZone>,
        /// Who is on duty (the open `duty_stood` rows) is current until then; none: resolve now.
        pub resolved_until: Option<TimeDateTimeWithTimeZone>,
        /// Since when the cover required now has no primary (none: covered, or none required).
        pub uncovered_since: Option<TimeDateTimeWithTimeZone>,
    }
}

entity! {
    /// One version of a rotation: an edit ends it (`valid_until`) and starts another of the series.
    rotation = "roster_rotation" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub roster_id: Uuid,
        pub series_id: Uuid,
        pub name: String,
        pub layer: String,
        pub pattern: String,
        pub every_days: Option<i16>,
        /// Handoff weekdays as bits (Monday = 1), for the weekday pattern.
        pub weekdays: i16,
        /// `HH:MM` on the wall clock of the roster's zone.
        pub handoff: String,
        pub anchor: TimeDate,
        /// When it is on duty (`rules::Hours::code`; empty: every hour).
        pub hours: String,
        pub valid_from: TimeDateTimeWithTimeZone,
        pub valid_until: Option<TimeDateTimeWithTimeZone>,
        pub created_by: Uuid,
        pub created_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A member of a rotation version, in turn order.
    member = "roster_member" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub rotation_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub position: i16,
        pub person_id: Uuid,
        pub joins: Option<TimeDate>,
        pub leaves: Option<TimeDate>,
    }
}

entity! {
    /// Someone added, removed or replaced over a span.
    override_ = "roster_override" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub roster_id: Uuid,
        pub layer: String,
        pub kind: String,
        pub person_id: Uuid,
        pub replaces_id: Option<Uuid>,
        pub starts_at: TimeDateTimeWithTimeZone,
        pub ends_at: TimeDateTimeWithTimeZone,
        pub reason: String,
        pub created_by: Uuid,
        pub created_at: TimeDateTimeWithTimeZone,
        pub withdrawn_at: Option<TimeDateTimeWithTimeZone>,
        pub withdrawn_by: Option<Uuid>,
    }
}

entity! {
    /// A holiday, a sensitive period or an event: cover round the clock, status reports.
    special = "roster_special" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub roster_id: Uuid,
        pub name: String,
        pub starts_at: TimeDateTimeWithTimeZone,
        pub ends_at: TimeDateTimeWithTimeZone,
        pub round_the_clock: bool,
        pub report_every_hours: Option<i16>,
        pub published_at: Option<TimeDateTimeWithTimeZone>,
        pub gaps_accepted_reason: Option<String>,
        pub gaps_accepted_by: Option<Uuid>,
        pub warned_at: Option<TimeDateTimeWithTimeZone>,
        pub warned_again_at: Option<TimeDateTimeWithTimeZone>,
        /// Seconds of required cover still to come with no primary, as of the roster's last resolve.
        pub gap_seconds: Option<i64>,
        pub first_gap_at: Option<TimeDateTimeWithTimeZone>,
        pub created_by: Uuid,
        pub created_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A shift of a special period's own roster.
    fixed_shift = "roster_fixed_shift" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub special_id: Uuid,
        pub person_id: Uuid,
        pub layer: String,
        pub starts_at: TimeDateTimeWithTimeZone,
        pub ends_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A shift offered to colleagues; taken, it stands as a swap.
    offer = "roster_offer" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub roster_id: Uuid,
        pub layer: String,
        pub person_id: Uuid,
        pub starts_at: TimeDateTimeWithTimeZone,
        pub ends_at: TimeDateTimeWithTimeZone,
        pub note: String,
        pub state: String,
        pub taken_by: Option<Uuid>,
        pub taken_at: Option<TimeDateTimeWithTimeZone>,
        pub assigned_by: Option<Uuid>,
        pub created_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// Duty actually stood, recorded as it happened; a correction is a new row naming the one it corrects.
    stood = "duty_stood" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub roster_id: Uuid,
        pub person_id: Uuid,
        pub layer: String,
        pub starts_at: TimeDateTimeWithTimeZone,
        pub ends_at: Option<TimeDateTimeWithTimeZone>,
        pub recorded_at: TimeDateTimeWithTimeZone,
        pub corrects: Option<Uuid>,
        pub reason: Option<String>,
        pub recorded_by: Option<Uuid>,
    }
}

entity! {
    /// What a shift's person hands to the next.
    handover = "duty_handover" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub roster_id: Uuid,
        pub person_id: Uuid,
        pub shift_start: TimeDateTimeWithTimeZone,
        pub shift_end: TimeDateTimeWithTimeZone,
        pub body: String,
        pub nothing_to_report: bool,
        pub written_at: TimeDateTimeWithTimeZone,
        pub acknowledged_by: Option<Uuid>,
        pub acknowledged_at: Option<TimeDateTimeWithTimeZone>,
    }
}

entity! {
    /// A special period's status report, one per due moment.
    status_report = "duty_status_report" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub special_id: Uuid,
        pub due_at: TimeDateTimeWithTimeZone,
        pub person_id: Uuid,
        pub body: String,
        pub written_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A subscribable calendar of a person's shifts (or a whole roster's), by secret token.
    calendar_feed = "calendar_feed" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub person_id: Uuid,
        pub roster_id: Option<Uuid>,
        pub token_hash: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub last_access_at: Option<TimeDateTimeWithTimeZone>,
        pub revoked_at: Option<TimeDateTimeWithTimeZone>,
    }
}

entity! {
    /// An event a calendar feed has sent: sent again as cancelled once it vanishes.
    calendar_event = "calendar_event" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub feed_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub uid: String,
        pub starts_at: TimeDateTimeWithTimeZone,
        pub ends_at: TimeDateTimeWithTimeZone,
        pub summary: String,
        pub cancelled_at: Option<TimeDateTimeWithTimeZone>,
    }
}
