//! sea-orm entities for the hash-chained audit log and its head.

pub mod audit_log {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub at: TimeDateTimeWithTimeZone,
        pub actor_person_id: Option<Uuid>,
        pub actor_email: Option<String>,
        pub organisation_id: Option<Uuid>,
        pub action: String,
        pub target: String,
        pub summary: String,
        pub source_addr: Option<String>,
        pub user_agent: Option<String>,
        pub prev_hash: String,
        pub hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_head {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_head")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub last_seq: i64,
        pub last_hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

entity! {
    /// An audit entry an agency brought from another portal, kept as it was there.
    audit_archive = "audit_archive" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub organisation_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub hash: String,
        pub source_seq: i64,
        pub at: TimeDateTimeWithTimeZone,
        pub actor_person_id: Option<Uuid>,
        pub actor_email: Option<String>,
        pub action: String,
        pub target: String,
        pub summary: String,
        pub source_addr: Option<String>,
        pub user_agent: Option<String>,
        pub prev_hash: String,
        pub imported_at: TimeDateTimeWithTimeZone,
    }
}
