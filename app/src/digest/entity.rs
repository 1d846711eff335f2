//! sea-orm entities of the daily digest: a person's preference, and the days it was sent.

entity! {
    /// When a person's digest comes and which kinds it leaves out (no row: 08:00, everything).
    preference = "digest_preference" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: Uuid,
        /// Minutes after midnight on the person's clock.
        pub send_at: i16,
        /// Comma-separated kind codes.
        pub opted_out: String,
        pub updated_at: TimeDateTimeWithTimeZone,
    }
}

entity! {
    /// A day a person's digest was handled (sent, or found to have nothing to say).
    sent = "digest_sent" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub day: TimeDate,
        pub sent_at: TimeDateTimeWithTimeZone,
        /// How many things it told of (0: nothing was sent).
        pub items: i32,
    }
}
