//! Standing duty through the services on both databases: offering a shift and a colleague taking
//! it (never one's own, never twice), a manager's reassignment, the handover written by the
//! shift's person and acknowledged only by the next, status reports at a special period's cadence,
//! the managers' flags; the duty job's record and a regulator's overview from it, a correction
//! with its reason, the hours CSV; calendar feeds parsed back, with a vanished shift sent as
//! cancelled; and the warnings of a special period without cover, mailed once and again at three
//! days, silenced by publishing with the gaps accepted.
use crate::common;

use app::{
    backend::{actor::Acting, ServiceError},
    i18n::Msg,
    rosters::{
        scope::{duty_stander, roster_manager, roster_reader},
        service::{self, member},
        CorrectionInput, HandoverInput, OfferInput, OverviewFilter, ReassignInput, RosterInput, RotationInput,
        SpecialInput, StatusReportInput,
    },
};
use common::backends;

use crate::rosters::{actor, meta, ZONE};

fn field<T: std::fmt::Debug>(r: Result<T, ServiceError>) -> (&'static str, Msg) {
    match r {
        Err(ServiceError::Invalid(f)) => (f[0].field, f[0].msg),
        Err(ServiceError::Conflict { field, msg }) => (field, msg),
        other => panic!("expected a refused field, got {other:?}"),
    }
}

/// The agency's round-the-clock desk: a daily rotation of the duty officer and the staff member,
/// handing off at 09:00 Shanghai time from Monday 23 November. The test clock stands at
/// 25 November 10:00 in Shanghai: the duty officer's day (23rd duty, 24th staff, 25th duty…).
async fn desk(app: &common::TestApp) -> uuid::Uuid {
    let admin = actor(app, "admin@agency.example").await;
    let meta = meta();
    let by = Acting { actor: &admin, meta: &meta, now: app.now() };
    let mgr = roster_manager(&admin).expect("manager");
    let roster = service::create_roster(
        &app.db,
        &by,
        &mgr,
        &RosterInput {
            name: "总值班室".into(),
            time_zone: ZONE.into(),
            cover: "always".into(),
            ..RosterInput::default()
        },
    )
    .await
    .expect("roster");
    let duty = common::id_where(&app.db, "person", "email", "duty@agency.example").await;
    let staff = common::id_where(&app.db, "person", "email", "staff@agency.example").await;
    let rotation = RotationInput {
        name: "日班轮换".into(),
        pattern: "daily".into(),
        handoff: "09:00".into(),
        anchor: "2026-11-23".into(),
        members: vec![member(duty), member(staff)],
        ..RotationInput::default()
    };
    service::add_rotation(&app.db, &by, &mgr, roster, &rotation).await.expect("rotation");
    roster
}

#[tokio::test]
async fn offers_swaps_handovers_and_status_reports() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let roster = desk(&app).await;
        let (duty_a, staff_a, admin_a, viewer_a) = (
            actor(&app, "duty@agency.example").await,
            actor(&app, "staff@agency.example").await,
            actor(&app, "admin@agency.example").await,
            actor(&app, "viewer@agency.example").await,
        );
        let duty = duty_stander(&duty_a).expect("the duty officer stands duty");
        let staff = duty_stander(&staff_a).expect("staff stand duty");
        assert!(matches!(duty_stander(&viewer_a), Err(ServiceError::Forbidden)), "{backend:?}: a viewer stands none");
        let by_duty = Acting { actor: &duty_a, meta: &meta, now: app.now() };
        let by_staff = Acting { actor: &staff_a, meta: &meta, now: app.now() };

        // The duty officer's fortnight: on now (from the rotation's start, 10:00, to 09:00 tomorrow).
        let mine = service::my_duty(&app.db, &duty, None, app.now(), ZONE).await.expect("my duty");
        let now_shift = mine.shifts.iter().find(|s| s.now).expect("on duty now").clone();
        assert_eq!(
            (now_shift.start.as_str(), now_shift.end.as_str()),
            ("2026-11-25 10:00", "2026-11-26 09:00"),
            "{backend:?}"
        );
        // 25, 27, 29 November, 1, 3, 5, 7 and 9 December (09:00, within the fortnight).
        assert_eq!(mine.shifts.iter().filter(|s| s.layer == "primary").count(), 8, "{backend:?}: every other day");
        assert_eq!(mine.to_hand_over.len(), 1, "{backend:?}: the shift under way");

        // Offers: of one's own duty only, not over, not twice.
        let friday = mine.shifts.iter().find(|s| s.start == "2026-11-27 09:00").expect("Friday's shift").clone();
        let offer = OfferInput {
            roster_id: roster.to_string(),
            layer: "primary".into(),
            starts_at: friday.starts_at.clone(),
            ends_at: friday.ends_at.clone(),
            note: "家中有事".into(),
        };
        assert_eq!(
            field(service::offer_shift(&app.db, &by_staff, &staff, &offer).await),
            ("starts_at", Msg::ErrDutyNotOnDuty),
            "{backend:?}: not the staff member's shift"
        );
        let past = OfferInput {
            starts_at: "2026-11-24T01:00:00Z".into(),
            ends_at: "2026-11-24T02:00:00Z".into(),
            ..offer.clone()
        };
        assert_eq!(
            field(service::offer_shift(&app.db, &by_duty, &duty, &past).await),
            ("ends_at", Msg::ErrDutyInThePast)
        );
        let offer_id = service::offer_shift(&app.db, &by_duty, &duty, &offer).await.expect("offer");
        assert_eq!(
            field(service::offer_shift(&app.db, &by_duty, &duty, &offer).await),
            ("starts_at", Msg::ErrDutyOfferOverlaps),
            "{backend:?}"
        );
        assert_eq!(
            field(service::take_offer(&app.db, &by_duty, &duty, offer_id).await),
            ("offer", Msg::ErrDutyOwnOffer)
        );
        let seen = service::my_duty(&app.db, &staff, None, app.now(), ZONE).await.expect("staff's duty");
        assert_eq!(seen.offers.iter().map(|o| o.id).collect::<Vec<_>>(), vec![offer_id], "{backend:?}");
        service::take_offer(&app.db, &by_staff, &staff, offer_id).await.expect("taken");
        assert_eq!(
            field(service::take_offer(&app.db, &by_staff, &staff, offer_id).await),
            ("offer", Msg::ErrDutyOfferClosed),
            "{backend:?}: taken once"
        );
        let reader = roster_reader(&app.db, &admin_a, time::macros::date!(2026 - 11 - 25)).await.expect("reader");
        let friday_noon = app::rosters::service::parse_instant("2026-11-27T12:00", &service::zone_of(ZONE)).expect("t");
        let t = service::timeline(
            &app.db,
            &reader,
            roster,
            app::rosters::rules::Span {
                start: friday_noon,
                end: friday_noon.checked_add(jiff::SignedDuration::from_secs(60)).unwrap(),
            },
            ZONE,
        )
        .await
        .expect("timeline");
        assert_eq!(t.segments[0].primary.iter().map(|p| p.name.clone()).collect::<Vec<_>>().len(), 1);
        assert_eq!(t.segments[0].primary[0].id, staff.person_id(), "{backend:?}: the taker stands Friday");

        // A manager reassigns Sunday's shift (the duty officer's) to the administrator.
        let mgr = roster_manager(&admin_a).expect("manager");
        let by_admin = Acting { actor: &admin_a, meta: &meta, now: app.now() };
        let sunday = ReassignInput {
            layer: "primary".into(),
            from_id: duty.person_id().to_string(),
            to_id: admin_a.person_id.to_string(),
            starts_at: "2026-11-29T09:00".into(),
            ends_at: "2026-11-30T09:00".into(),
            reason: "值班员调休".into(),
        };
        let same = ReassignInput { to_id: duty.person_id().to_string(), ..sunday.clone() };
        assert_eq!(
            field(service::reassign_shift(&app.db, &by_admin, &mgr, roster, &same).await),
            ("to_id", Msg::ErrDutySamePerson)
        );
        let century = ReassignInput { ends_at: "2126-11-30T09:00".into(), ..sunday.clone() };
        assert_eq!(
            field(service::reassign_shift(&app.db, &by_admin, &mgr, roster, &century).await),
            ("ends_at", Msg::ErrDutySpanTooLong)
        );
        let long_leave = app::rosters::OverrideInput {
            kind: "remove".into(),
            person_id: duty.person_id().to_string(),
            starts_at: "2026-12-01 00:00".into(),
            ends_at: "2126-12-01 00:00".into(),
            ..app::rosters::OverrideInput::default()
        };
        assert_eq!(
            field(service::add_override(&app.db, &by_admin, &mgr, roster, &long_leave).await),
            ("ends_at", Msg::ErrDutyOverrideTooLong)
        );
        service::reassign_shift(&app.db, &by_admin, &mgr, roster, &sunday).await.expect("reassigned");

        // The handover of the shift under way: its person writes it once; the next acknowledges.
        let handover = HandoverInput {
            roster_id: roster.to_string(),
            shift_start: now_shift.starts_at.clone(),
            body: String::new(),
            nothing_to_report: false,
        };
        assert_eq!(
            field(service::write_handover(&app.db, &by_duty, &duty, &handover).await),
            ("body", Msg::ErrDutyEntryRequired)
        );
        let written = HandoverInput {
            body: "02:10 主站 WAF 告警一次，已确认误报；无遗留事项。".into(),
            ..handover.clone()
        };
        assert_eq!(
            field(service::write_handover(&app.db, &by_staff, &staff, &written).await),
            ("shift_start", Msg::ErrDutyNotYourShift),
            "{backend:?}: not the staff member's shift"
        );
        let h = service::write_handover(&app.db, &by_duty, &duty, &written).await.expect("handover");
        assert_eq!(
            field(service::write_handover(&app.db, &by_duty, &duty, &written).await),
            ("shift_start", Msg::ErrDutyHandoverWritten)
        );
        let admin_stander = duty_stander(&admin_a).expect("the administrator stands duty");
        assert_eq!(
            field(service::acknowledge_handover(&app.db, &by_admin, &admin_stander, h).await),
            ("handover", Msg::ErrDutyNotNextPerson),
            "{backend:?}: the administrator is not next"
        );
        let staff_view = service::my_duty(&app.db, &staff, None, app.now(), ZONE).await.expect("staff's duty");
        assert_eq!(staff_view.to_acknowledge.iter().map(|x| x.id).collect::<Vec<_>>(), vec![h], "{backend:?}");
        service::acknowledge_handover(&app.db, &by_staff, &staff, h).await.expect("acknowledged");
        assert_eq!(
            field(service::acknowledge_handover(&app.db, &by_staff, &staff, h).await),
            ("handover", Msg::ErrDutyAlreadyAcknowledged)
        );

        // A special period from noon, a status report every four hours: due 16:00, 20:00, …
        let special = service::create_special(
            &app.db,
            &by_admin,
            &mgr,
            roster,
            &SpecialInput {
                name: "重要会议保障".into(),
                starts_at: "2026-11-25 12:00".into(),
                ends_at: "2026-11-26 12:00".into(),
                round_the_clock: true,
                report_every_hours: "4".into(),
            },
        )
        .await
        .expect("special");
        let due = |at: &str| StatusReportInput {
            special_id: special.to_string(),
            due_at: at.into(),
            body: "各系统运行正常。".into(),
        };
        assert_eq!(
            field(service::write_status_report(&app.db, &by_duty, &duty, &due("2026-11-25T16:00")).await),
            ("due_at", Msg::ErrDutyNotDue),
            "{backend:?}: not before its interval begins"
        );
        app.advance(time::Duration::hours(3));
        let by_duty = Acting { actor: &duty_a, meta: &meta, now: app.now() };
        let by_staff = Acting { actor: &staff_a, meta: &meta, now: app.now() };
        assert_eq!(
            field(service::write_status_report(&app.db, &by_duty, &duty, &due("2026-11-25T17:00")).await),
            ("due_at", Msg::ErrDutyNotDue),
            "{backend:?}: not a due moment"
        );
        assert_eq!(
            field(service::write_status_report(&app.db, &by_staff, &staff, &due("2026-11-25T16:00")).await),
            ("due_at", Msg::ErrDutyNotYourShift),
            "{backend:?}: the staff member is off duty at 16:00"
        );
        let reports = service::my_duty(&app.db, &duty, None, app.now(), ZONE).await.expect("duty").reports_due;
        assert_eq!(
            reports.iter().map(|r| r.due.clone()).collect::<Vec<_>>(),
            vec!["2026-11-25 16:00".to_string()],
            "{backend:?}"
        );
        service::write_status_report(&app.db, &by_duty, &duty, &due("2026-11-25T16:00")).await.expect("report");
        assert_eq!(
            field(service::write_status_report(&app.db, &by_duty, &duty, &due("2026-11-25T16:00")).await),
            ("due_at", Msg::ErrDutyReportWritten)
        );

        // Four days on: the managers are flagged the reports and handovers nobody wrote.
        app.advance(time::Duration::days(4));
        let flags = service::my_duty(&app.db, &admin_stander, Some(&mgr), app.now(), ZONE)
            .await
            .expect("duty")
            .flags
            .expect("flags");
        let missing: Vec<String> = flags.missing_reports.iter().map(|r| r.due.clone()).collect();
        assert_eq!(
            missing,
            ["2026-11-25 20:00", "2026-11-26 00:00", "2026-11-26 04:00", "2026-11-26 08:00", "2026-11-26 12:00"],
            "{backend:?}"
        );
        // The staff member's Thursday, the Friday taken from the duty officer and their own
        // Saturday are one shift, ended on Sunday at 09:00 without a handover.
        let owed: Vec<(String, String)> =
            flags.missing_handovers.iter().map(|s| (s.layer.clone(), s.start.clone())).collect();
        assert!(
            owed.iter().any(|(who, start)| start == "2026-11-26 09:00" && !who.is_empty()),
            "{backend:?}: {owed:?}"
        );
        assert!(!owed.iter().any(|(_, start)| start == "2026-11-25 10:00"), "{backend:?}: that one was written");
        assert!(
            service::my_duty(&app.db, &staff, None, app.now(), ZONE).await.expect("duty").flags.is_none(),
            "{backend:?}: only managers"
        );
    }
}

#[tokio::test]
async fn the_duty_record_feeds_the_overview_corrections_and_the_hours() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let roster = desk(&app).await;
        let admin_a = actor(&app, "admin@agency.example").await;
        let mgr = roster_manager(&admin_a).expect("manager");
        // The job records who is on now; then again a day later, at the handoff.
        assert_eq!(service::record_duty(&app.db, app.now(), 100).await.expect("record"), 1, "{backend:?}");
        assert_eq!(service::record_duty(&app.db, app.now(), 100).await.expect("record"), 0, "{backend:?}: nothing due");
        let regulator = actor(&app, "viewer@east-regulator.example").await;
        let reader = roster_reader(&app.db, &regulator, time::macros::date!(2026 - 11 - 25)).await.expect("reader");
        let o =
            service::overview(&app.db, &reader, &OverviewFilter::default(), app.now(), ZONE).await.expect("overview");
        let row =
            o.rows.iter().find(|r| r.desk.roster_id == roster).expect("the agency's desk in its regulator's overview");
        assert_eq!(row.desk.primary.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["张强"], "{backend:?}");
        assert_eq!(row.desk.next_change.as_deref(), Some("2026-11-26 09:00"), "{backend:?}");
        assert!(row.uncovered_since.is_none());
        // The quarter's quality: all the required hours covered, shared by the two members.
        let q = service::quality(&app.db, &reader, roster, "2026-Q4", app.now()).await.expect("quality");
        assert_eq!((q.quarter.as_str(), q.previous.as_str(), q.next.as_str()), ("2026-Q4", "2026-Q3", "2027-Q1"));
        assert_eq!(q.coverage_permille, 1000, "{backend:?}");
        assert_eq!(q.people.len(), 2, "{backend:?}");
        assert!(q.people[0].hours >= q.people[1].hours, "{backend:?}: most loaded first");
        assert!((q.people[0].hours + q.people[1].hours - q.required_hours).abs() < 0.2, "{backend:?}: {q:?}");
        assert_eq!(
            field(service::quality(&app.db, &reader, roster, "2026-Q5", app.now()).await),
            ("quarter", Msg::ErrDutyQuarter)
        );
        // Another jurisdiction sees none of it.
        let west = actor(&app, "viewer@west-regulator.example").await;
        let west_reader = roster_reader(&app.db, &west, time::macros::date!(2026 - 11 - 25)).await.expect("reader");
        let w = service::overview(&app.db, &west_reader, &OverviewFilter::default(), app.now(), ZONE)
            .await
            .expect("overview");
        assert!(w.rows.iter().all(|r| r.desk.roster_id != roster), "{backend:?}");

        app.advance(time::Duration::days(1));
        assert_eq!(service::record_duty(&app.db, app.now(), 100).await.expect("record"), 1, "{backend:?}");
        let by = Acting { actor: &admin_a, meta: &meta, now: app.now() };
        let window = app::rosters::rules::Span {
            start: service::to_rules(app.now() - time::Duration::days(7)),
            end: service::to_rules(app.now()),
        };
        let r = reader.roster(roster).one(&app.db).await.expect("q").expect("roster");
        let stood = service::stood_history(&app.db, &r, window, ZONE).await.expect("history");
        assert_eq!(stood.len(), 2, "{backend:?}: {stood:?}");
        assert_eq!((stood[0].start.as_str(), stood[0].end.as_deref()), ("2026-11-25 10:00", Some("2026-11-26 09:00")));
        assert!(stood[1].end.is_none(), "{backend:?}: the staff member's shift under way");

        // Under way: not corrected (an override changes it); ended: corrected with a reason.
        let staff = common::id_where(&app.db, "person", "email", "staff@agency.example").await;
        let fix = |id: uuid::Uuid, reason: &str| CorrectionInput {
            stood_id: id.to_string(),
            person_id: staff.to_string(),
            starts_at: "2026-11-25T10:00".into(),
            ends_at: "2026-11-26T09:00".into(),
            reason: reason.into(),
        };
        assert_eq!(
            field(service::correct_stood(&app.db, &by, &mgr, &fix(stood[1].id, "x")).await),
            ("stood_id", Msg::ErrDutyStoodOpen)
        );
        assert_eq!(
            field(service::correct_stood(&app.db, &by, &mgr, &fix(stood[0].id, " ")).await),
            ("reason", Msg::ErrReasonRequired)
        );
        service::correct_stood(&app.db, &by, &mgr, &fix(stood[0].id, "张强临时外出，由同事代班"))
            .await
            .expect("corrected");
        assert_eq!(
            field(service::correct_stood(&app.db, &by, &mgr, &fix(stood[0].id, "again")).await),
            ("stood_id", Msg::ErrDutyStoodCorrected)
        );
        let stood = service::stood_history(&app.db, &r, window, ZONE).await.expect("history");
        assert_eq!(stood.len(), 2, "{backend:?}: the correction replaces the row it corrects");
        assert!(stood.iter().any(|s| s.correction.as_deref() == Some("张强临时外出，由同事代班")));
        // Another organisation's manager finds no such row.
        let csp = actor(&app, "admin@csp.example").await;
        let by_csp = Acting { actor: &csp, meta: &meta, now: app.now() };
        let csp_mgr = roster_manager(&csp).expect("manager");
        assert!(matches!(
            service::correct_stood(&app.db, &by_csp, &csp_mgr, &fix(stood[0].id, "x")).await,
            Err(ServiceError::NotFound)
        ));

        // The month's hours come from the record as corrected: all the staff member's.
        let (_, bytes) =
            service::hours_csv(&app.db, &reader, roster, "2026-11", app.now(), ["m", "p", "primary", "backup", "id"])
                .await
                .expect("csv");
        let text = String::from_utf8(bytes).expect("utf-8");
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 2, "{backend:?}: {text}");
        assert!(lines[1].contains("2026-11") && lines[1].contains(&staff.to_string()), "{backend:?}: {text}");
        // 25th 10:00 → 26th 09:00 (corrected) and 26th 09:00 → now (26th 10:00): 24 hours.
        assert!(lines[1].contains(",24.00,0.00,"), "{backend:?}: {text}");
        assert_eq!(
            field(service::hours_csv(&app.db, &reader, roster, "2026-13", app.now(), ["m", "p", "a", "b", "c"]).await),
            ("month", Msg::ErrDutyMonth)
        );
    }
}

#[tokio::test]
async fn calendar_feeds_parse_back_and_send_vanished_shifts_as_cancelled() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let roster = desk(&app).await;
        let duty_a = actor(&app, "duty@agency.example").await;
        let duty = duty_stander(&duty_a).expect("stander");
        let by = Acting { actor: &duty_a, meta: &meta, now: app.now() };
        let token = service::create_feed(&app.db, &by, &duty, None).await.expect("feed");
        let read = |text: String| -> Vec<(String, String, String, String)> {
            let cal: icalendar::Calendar = text.parse().expect("iCalendar");
            cal.components
                .iter()
                .filter_map(|c| c.as_event())
                .map(|e| {
                    use icalendar::Component;
                    (
                        e.get_uid().unwrap_or_default().to_string(),
                        e.property_value("DTSTART").unwrap_or_default().to_string(),
                        e.property_value("STATUS").unwrap_or_default().to_string(),
                        e.property_value("TRANSP").unwrap_or_default().to_string(),
                    )
                })
                .collect()
        };
        let first = read(service::feed_ics(&app.db, &format!("{token}.ics"), app.now()).await.expect("ics"));
        // A year ahead, every other day: about 183 shifts, each transparent and confirmed.
        assert!((180..=185).contains(&first.len()), "{backend:?}: {}", first.len());
        assert!(first.iter().all(|e| e.2 == "CONFIRMED" && e.3 == "TRANSPARENT"), "{backend:?}");
        let again = read(service::feed_ics(&app.db, &token, app.now()).await.expect("ics"));
        assert_eq!(first, again, "{backend:?}: stable ids across refreshes");
        // The administrator reassigns Friday: that event comes back cancelled.
        let admin = actor(&app, "admin@agency.example").await;
        let mgr = roster_manager(&admin).expect("manager");
        let by_admin = Acting { actor: &admin, meta: &meta, now: app.now() };
        let staff = common::id_where(&app.db, "person", "email", "staff@agency.example").await;
        service::reassign_shift(
            &app.db,
            &by_admin,
            &mgr,
            roster,
            &ReassignInput {
                layer: "primary".into(),
                from_id: duty.person_id().to_string(),
                to_id: staff.to_string(),
                starts_at: "2026-11-27T09:00".into(),
                ends_at: "2026-11-28T09:00".into(),
                reason: String::new(),
            },
        )
        .await
        .expect("reassign");
        let after = read(service::feed_ics(&app.db, &token, app.now()).await.expect("ics"));
        let cancelled: Vec<&(String, String, String, String)> = after.iter().filter(|e| e.2 == "CANCELLED").collect();
        assert_eq!(cancelled.len(), 1, "{backend:?}");
        assert_eq!(cancelled[0].1, "20261127T010000Z");
        assert_eq!(after.len(), first.len(), "{backend:?}: the rest unchanged");
        // Listed with its last access; revoked, the address is "not found"; a made-up one too.
        let feeds = service::my_feeds(&app.db, &duty, ZONE).await.expect("feeds");
        assert!(feeds[0].last_access_at.is_some() && !feeds[0].revoked);
        service::revoke_feed(&app.db, &by, &duty, false, feeds[0].id).await.expect("revoke");
        assert!(matches!(service::feed_ics(&app.db, &token, app.now()).await, Err(ServiceError::NotFound)));
        assert!(matches!(service::feed_ics(&app.db, "cal_0000", app.now()).await, Err(ServiceError::NotFound)));
        // A colleague who is no manager may not revoke someone else's feed.
        let other = service::create_feed(&app.db, &by, &duty, Some(roster)).await.expect("roster feed");
        assert!(other.starts_with("cal_"));
        let staff_a = actor(&app, "staff@agency.example").await;
        let staff_s = duty_stander(&staff_a).expect("stander");
        let by_staff = Acting { actor: &staff_a, meta: &meta, now: app.now() };
        let id = service::my_feeds(&app.db, &duty, ZONE).await.expect("feeds")[0].id;
        assert_eq!(
            field(service::revoke_feed(&app.db, &by_staff, &staff_s, false, id).await),
            ("id", Msg::ErrDutyNotYourFeed)
        );
        // The roster feed names each shift's person.
        let roster_feed = service::feed_ics(&app.db, &other, app.now()).await.expect("ics");
        assert!(roster_feed.contains("张强"), "{backend:?}");
    }
}

#[tokio::test]
async fn a_special_period_without_cover_is_warned_of_twice_until_published_with_a_reason() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let admin = actor(&app, "admin@agency.example").await;
        let mgr = roster_manager(&admin).expect("manager");
        let by = Acting { actor: &admin, meta: &meta, now: app.now() };
        // A desk covering nothing on ordinary days, with a weeknight rotation: a round-the-clock
        // special period ten days on has its office hours uncovered.
        let roster = service::create_roster(
            &app.db,
            &by,
            &mgr,
            &RosterInput {
                name: "节假日值班".into(),
                time_zone: ZONE.into(),
                cover: "none".into(),
                ..RosterInput::default()
            },
        )
        .await
        .expect("roster");
        let duty = common::id_where(&app.db, "person", "email", "duty@agency.example").await;
        service::add_rotation(
            &app.db,
            &by,
            &mgr,
            roster,
            &RotationInput {
                name: "夜间".into(),
                pattern: "daily".into(),
                handoff: "18:00".into(),
                anchor: "2026-11-23".into(),
                hours: "mon,tue,wed,thu,fri,sat,sun 18:00-08:30".into(),
                members: vec![member(duty)],
                ..RotationInput::default()
            },
        )
        .await
        .expect("rotation");
        let special = service::create_special(
            &app.db,
            &by,
            &mgr,
            roster,
            &SpecialInput {
                name: "元旦".into(),
                starts_at: "2026-12-05 00:00".into(),
                ends_at: "2026-12-06 00:00".into(),
                round_the_clock: true,
                report_every_hours: String::new(),
            },
        )
        .await
        .expect("special");
        let outbox = |app: &common::TestApp| {
            let db = app.db.clone();
            async move {
                use sea_orm::{EntityTrait, PaginatorTrait};
                app::backend::entity::outbox::Entity::find().count(&db).await.expect("count")
            }
        };
        let before = outbox(&app).await;
        service::record_duty(&app.db, app.now(), 100).await.expect("record");
        // Ten days ahead: within the fortnight, warned once (the administrator and the security officer).
        let sent = service::warn_uncovered(&app.db, app.now(), ZONE).await.expect("warn");
        assert_eq!(sent, 2, "{backend:?}");
        assert_eq!(outbox(&app).await, before + 2, "{backend:?}");
        assert_eq!(service::warn_uncovered(&app.db, app.now(), ZONE).await.expect("warn"), 0, "{backend:?}: once");
        // The dashboard flag says the same.
        let stander = duty_stander(&admin).expect("stander");
        let flags =
            service::my_duty(&app.db, &stander, Some(&mgr), app.now(), ZONE).await.expect("duty").flags.expect("flags");
        assert_eq!(flags.uncovered.iter().map(|u| u.special_id).collect::<Vec<_>>(), vec![special], "{backend:?}");
        assert_eq!(flags.uncovered[0].gap_hours, 9.5, "{backend:?}: 08:30 to 18:00");
        // Three days before: again, once.
        app.advance(time::Duration::days(8));
        assert_eq!(service::warn_uncovered(&app.db, app.now(), ZONE).await.expect("warn"), 2, "{backend:?}");
        assert_eq!(service::warn_uncovered(&app.db, app.now(), ZONE).await.expect("warn"), 0, "{backend:?}");
        // Publishing with gaps needs a reason; with one, the gaps are accepted and kept.
        let by = Acting { actor: &admin, meta: &meta, now: app.now() };
        assert_eq!(
            field(service::publish_special(&app.db, &by, &mgr, special, "").await),
            ("reason", Msg::ErrDutyGapsNeedReason),
            "{backend:?}"
        );
        service::publish_special(&app.db, &by, &mgr, special, "白天由办公室在岗人员兼顾").await.expect("published");
        assert_eq!(
            field(service::publish_special(&app.db, &by, &mgr, special, "x").await),
            ("special", Msg::ErrDutyAlreadyPublished)
        );
        // The regulator's overview lists it (as last recorded) until covered.
        service::record_duty(&app.db, app.now(), 100).await.expect("record");
        let regulator = actor(&app, "viewer@regulator.example").await;
        let reader = roster_reader(&app.db, &regulator, time::macros::date!(2026 - 12 - 03)).await.expect("reader");
        let o =
            service::overview(&app.db, &reader, &OverviewFilter::default(), app.now(), ZONE).await.expect("overview");
        assert_eq!(o.uncovered_specials.iter().map(|u| u.special_id).collect::<Vec<_>>(), vec![special], "{backend:?}");

        // A fixed roster for the period wins over the rotation in its window: one shift of the
        // whole day covers it; one outside the window or overlapping is refused.
        let fixed = |a: &str, b: &str| app::rosters::FixedShiftInput {
            person_id: duty.to_string(),
            layer: "primary".into(),
            starts_at: a.into(),
            ends_at: b.into(),
        };
        assert_eq!(
            field(
                service::add_fixed_shift(&app.db, &by, &mgr, special, &fixed("2026-12-04 20:00", "2026-12-05 08:00"))
                    .await
            ),
            ("ends_at", Msg::ErrDutyOutsideSpecial)
        );
        service::add_fixed_shift(&app.db, &by, &mgr, special, &fixed("2026-12-05 00:00", "2026-12-06 00:00"))
            .await
            .expect("fixed");
        assert_eq!(
            field(
                service::add_fixed_shift(&app.db, &by, &mgr, special, &fixed("2026-12-05 10:00", "2026-12-05 12:00"))
                    .await
            ),
            ("starts_at", Msg::ErrDutyFixedOverlap)
        );
        let admin_reader = roster_reader(&app.db, &admin, time::macros::date!(2026 - 12 - 03)).await.expect("reader");
        let z = service::zone_of(ZONE);
        let day = app::rosters::rules::Span::new(
            service::parse_local("2026-12-05 00:00", &z).expect("t"),
            service::parse_local("2026-12-06 00:00", &z).expect("t"),
        )
        .expect("span");
        let t = service::timeline(&app.db, &admin_reader, roster, day, ZONE).await.expect("timeline");
        assert!(t.gaps.is_empty(), "{backend:?}: {:?}", t.gaps);
    }
}
