//! sea-orm entities for organisations, people and roles, websites, engagements and invitations.

pub mod organisation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organisation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub kind: String,
        pub supplier_subtype: Option<String>,
        pub active: bool,
        /// The regulator above this agency or regulator in the jurisdiction tree.
        pub regulator_id: Option<Uuid>,
        pub created_at: TimeDateTimeWithTimeZone,
        /// Every person of the organisation must sign in with a second factor.
        pub second_factor_required: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod person {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "person")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub email: String,
        pub display_name: String,
        pub password_hash: String,
        pub must_change_password: bool,
        pub active: bool,
        pub locale: Option<String>,
        pub time_zone: Option<String>,
        pub failed_attempts: i32,
        pub lockout_count: i32,
        pub locked_until: Option<TimeDateTimeWithTimeZone>,
        pub last_login_at: Option<TimeDateTimeWithTimeZone>,
        /// The sign-in before the current one, shown to the person ("last sign-in").
        pub previous_login_at: Option<TimeDateTimeWithTimeZone>,
        pub created_at: TimeDateTimeWithTimeZone,
        /// Sessions signed in under another generation have ended.
        pub session_generation: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod person_role {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "person_role")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub role: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod website {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "website")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub agency_id: Uuid,
        pub name: String,
        /// For people, in Unicode.
        pub domain: String,
        /// Punycode, unique.
        pub domain_ascii: String,
        pub protection_level: i16,
        pub service_model: String,
        pub deployment_model: String,
        pub phase: String,
        pub phase_since: TimeDate,
        pub security_officer_id: Option<Uuid>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod engagement {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "engagement")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub agency_id: Uuid,
        pub provider_id: Uuid,
        pub role: String,
        pub status: String,
        pub starts_on: TimeDate,
        pub ends_on: TimeDate,
        pub nda_signed_on: Option<TimeDate>,
        pub nda_signed_by: Option<String>,
        pub change_notice_days: i32,
        pub invited_by: Uuid,
        pub invited_at: TimeDateTimeWithTimeZone,
        pub answered_at: Option<TimeDateTimeWithTimeZone>,
        pub ended_at: Option<TimeDateTimeWithTimeZone>,
        pub ended_by_org: Option<Uuid>,
        /// Why it was declined or ended, as the side that did it wrote.
        pub closing_reason: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod engagement_website {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "engagement_website")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub engagement_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub website_id: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod invitation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "invitation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub organisation_id: Uuid,
        pub email: String,
        pub display_name: String,
        /// Role codes, comma-separated.
        pub roles: String,
        /// SHA-256 of the link's token; the token itself is only in the mail.
        pub token_hash: String,
        pub expires_at: TimeDateTimeWithTimeZone,
        pub accepted_at: Option<TimeDateTimeWithTimeZone>,
        pub invited_by: Uuid,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
