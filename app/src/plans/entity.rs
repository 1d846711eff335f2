//! sea-orm entities for emergency response: settings, plans and their versions, providers'
//! emergency contacts, drills and their participants, incidents with websites, milestones and
//! timeline entries, follow-up actions, and the week each agency last had its digest.

entity! {
    /// An agency's emergency-response settings.
    agency_setting = "er_setting" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub agency_id: Uuid,
        pub restore_every_months: i16,
        pub updated_by: Uuid,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A plan across its versions.
    plan = "er_plan" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub agency_id: Uuid,
        pub title: String,
        pub website_id: Option<Uuid>,
        pub category: Option<String>,
        pub owner_id: Uuid,
        pub review_months: i16,
        pub created_by: Uuid,
        pub created_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// One version of a plan: a draft until approved, never edited after.
    version = "er_plan_version" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub plan_id: Uuid,
        pub number: i32,
        pub state: String,
        pub general: String,
        pub roles: String,
        pub prevention: String,
        pub grading: String,
        pub procedure: String,
        pub safeguards: String,
        pub change_note: String,
        pub drafted_by: Uuid,
        pub drafted_at: TimeDateTimeWithTimeZone,
        pub approved_by: Option<Uuid>,
        pub approved_at: Option<TimeDateTimeWithTimeZone>,
        pub superseded_at: Option<TimeDateTimeWithTimeZone>,
    }
}

entity! {
    /// An emergency contact a provider keeps for one engagement (§8.4.2.2b).
    contact = "er_contact" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub engagement_id: Uuid,
        pub name: String,
        pub duty: String,
        pub phone: String,
        pub email: String,
        pub hours: String,
        pub position: i16,
        pub updated_by: Uuid,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A drill an agency held.
    drill = "er_drill" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub agency_id: Uuid,
        pub held_on: TimeDate,
        pub category: String,
        pub scenario: String,
        pub plan_id: Option<Uuid>,
        pub outcome: String,
        pub findings: String,
        pub recorded_by: Uuid,
        pub recorded_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// An organisation (the CSP, a provider) that took part in a drill.
    drill_org = "er_drill_org" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub drill_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub organisation_id: Uuid,
    }
}

entity! {
    /// An incident on an agency's websites.
    incident = "er_incident" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub agency_id: Uuid,
        pub title: String,
        pub category: String,
        pub level: String,
        pub status: String,
        pub suspected_crime: bool,
        pub summary: String,
        pub root_cause: String,
        pub lessons: String,
        pub opened_by: Uuid,
        pub opened_by_org: Uuid,
        pub opened_at: TimeDateTimeWithTimeZone,
        pub detected_at: Option<TimeDateTimeWithTimeZone>,
        pub csp_due_at: Option<TimeDateTimeWithTimeZone>,
        pub reported_csp_at: Option<TimeDateTimeWithTimeZone>,
        pub regulator_due_at: Option<TimeDateTimeWithTimeZone>,
        pub reported_regulator_at: Option<TimeDateTimeWithTimeZone>,
        pub contained_at: Option<TimeDateTimeWithTimeZone>,
        pub closed_at: Option<TimeDateTimeWithTimeZone>,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A website an incident touches.
    incident_website = "er_incident_website" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub incident_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub website_id: Uuid,
    }
}

entity! {
    /// One milestone of an incident: its first recorded value and its last, never overwritten
    /// in place of each other.
    milestone = "er_milestone" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub incident_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub milestone: String,
        pub first_at: TimeDateTimeWithTimeZone,
        pub first_by: Uuid,
        pub last_at: TimeDateTimeWithTimeZone,
        pub last_by: Uuid,
        pub recorded_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A timeline entry of an incident: written by a party, or by the portal for a change.
    entry = "er_entry" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub incident_id: Uuid,
        pub kind: String,
        pub at: TimeDateTimeWithTimeZone,
        pub organisation_id: Uuid,
        pub person_id: Option<Uuid>,
        pub body: String,
        pub pinned: bool,
        pub written_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A follow-up action, tracked to closure.
    action = "er_action" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub agency_id: Uuid,
        pub source: String,
        pub source_id: Uuid,
        pub finding: String,
        pub title: String,
        pub owner_org: Uuid,
        pub owner_name: String,
        pub due_on: TimeDate,
        pub closed_at: Option<TimeDateTimeWithTimeZone>,
        pub closed_by: Option<Uuid>,
        pub evidence: String,
        pub created_by: Uuid,
        pub created_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// The week (its Monday) an agency was last sent its weekly digest.
    digest = "er_digest" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub agency_id: Uuid,
        pub week_of: TimeDate,
        pub sent_at: TimeDateTimeWithTimeZone,
    }
}
