//! sea-orm entity of the monthly status reports: each frozen version as it was shown.

entity! {
    /// One version of a jurisdiction's or an agency's report of a month (append-only).
    status_report = "status_report" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub scope_id: Uuid,
        /// `jurisdiction` or `agency`.
        pub scope_kind: String,
        /// `YYYY-MM`.
        pub month: String,
        pub version: i32,
        /// The report as shown (JSON).
        pub body: String,
        pub figures_hash: String,
        pub frozen_at: TimeDateTimeWithTimeZone,
    }
}
