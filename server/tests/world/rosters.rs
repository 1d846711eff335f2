//! Duty rosters through their services on both databases: setting a roster up with its bad input
//! refused field by field, a weeknight rotation and a National Day period whose gap an override
//! fills, conflicting and empty overrides refused, and who sees which desk on duty now (its own,
//! an agency its CSP's through an engagement in force, a regulator its jurisdiction's).
use crate::common;

use app::{
    auth::actor::load_actor,
    backend::{actor::Acting, request::RequestMeta, ServiceError},
    i18n::Msg,
    rosters::{
        rules::Span,
        scope::{roster_manager, roster_reader},
        service::{self, member, parse_local, zone_of},
        OverrideInput, RosterInput, RotationInput, SpecialInput,
    },
};
use common::backends;

pub(crate) const ZONE: &str = "Asia/Shanghai";

pub(crate) async fn actor(app: &common::TestApp, email: &str) -> app::backend::actor::Actor {
    let id = common::id_where(&app.db, "person", "email", email).await;
    load_actor(&app.db, id, ZONE).await.expect("load").expect("active")
}

pub(crate) fn meta() -> RequestMeta {
    RequestMeta { request_id: "test".into(), source_addr: None, user_agent: None }
}

/// The refused fields of an answer, with their messages.
pub(crate) fn refused<T: std::fmt::Debug>(r: Result<T, ServiceError>) -> Vec<(&'static str, Msg)> {
    match r {
        Err(ServiceError::Invalid(f)) => f.into_iter().map(|f| (f.field, f.msg)).collect(),
        other => panic!("expected refused fields, got {other:?}"),
    }
}

fn window(a: &str, b: &str) -> Span {
    let z = zone_of(ZONE);
    Span::new(parse_local(a, &z).expect("start"), parse_local(b, &z).expect("end")).expect("span")
}

#[tokio::test]
async fn a_roster_finds_its_special_period_s_gap_and_an_override_fills_it() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let admin = actor(&app, "admin@agency.example").await;
        let by = Acting { actor: &admin, meta: &meta, now: app.now() };
        let mgr = roster_manager(&admin).expect("manager");

        // Bad input: every refused field at once, nothing written.
        let bad = RosterInput {
            name: " ".into(),
            time_zone: "Mars/Olympus".into(),
            cover: "custom".into(),
            hours: "weeknights".into(),
            ..RosterInput::default()
        };
        let fields = refused(service::create_roster(&app.db, &by, &mgr, &bad).await);
        assert_eq!(
            fields,
            vec![("name", Msg::ErrNameRequired), ("time_zone", Msg::ErrTimeZone), ("hours", Msg::ErrDutyHours)],
            "{backend:?}"
        );
        let input = RosterInput {
            name: "网络安全值班".into(),
            time_zone: ZONE.into(),
            cover: "out_of_hours".into(),
            phone: "0571-8888 0000".into(),
            email: "duty@agency.example".into(),
            ..RosterInput::default()
        };
        let roster = service::create_roster(&app.db, &by, &mgr, &input).await.expect("roster");
        assert_eq!(
            refused(service::create_roster(&app.db, &by, &mgr, &input).await),
            vec![("name", Msg::ErrNameTaken)],
            "{backend:?}: one name per desk of an organisation"
        );

        // A weeknight rotation of the agency's duty officer and security officer.
        let duty = common::id_where(&app.db, "person", "email", "duty@agency.example").await;
        let security = common::id_where(&app.db, "person", "email", "security@agency.example").await;
        let outsider = common::id_where(&app.db, "person", "email", "duty@csp.example").await;
        let weeknights = RotationInput {
            name: "工作日夜间".into(),
            layer: "primary".into(),
            pattern: "daily".into(),
            handoff: "18:00".into(),
            anchor: "2026-11-02".into(),
            hours: "mon,tue,wed,thu,fri 18:00-08:30; sat,sun 00:00-00:00".into(),
            members: vec![member(duty), member(security)],
            ..RotationInput::default()
        };
        // Someone of another organisation, and no people at all, are refused.
        let mut stranger = weeknights.clone();
        stranger.members.push(member(outsider));
        assert_eq!(
            refused(service::add_rotation(&app.db, &by, &mgr, roster, &stranger).await),
            vec![("members", Msg::ErrDutyNotColleague)],
            "{backend:?}"
        );
        let mut empty = weeknights.clone();
        empty.members.clear();
        empty.handoff = "25:00".into();
        assert_eq!(
            refused(service::add_rotation(&app.db, &by, &mgr, roster, &empty).await),
            vec![("handoff", Msg::ErrDutyClock), ("members", Msg::ErrDutyNoPeople)],
            "{backend:?}"
        );
        service::add_rotation(&app.db, &by, &mgr, roster, &weeknights).await.expect("rotation");

        // National Day, round the clock: the weekdays' office hours are a gap.
        let special = SpecialInput {
            name: "国庆节".into(),
            starts_at: "2027-10-01 00:00".into(),
            ends_at: "2027-10-08 00:00".into(),
            round_the_clock: true,
            report_every_hours: "4".into(),
        };
        let mut past = special.clone();
        past.starts_at = "2026-01-01 00:00".into();
        past.ends_at = "2026-01-02 00:00".into();
        assert_eq!(
            refused(service::create_special(&app.db, &by, &mgr, roster, &past).await),
            vec![("ends_at", Msg::ErrDutyInThePast)],
            "{backend:?}"
        );
        service::create_special(&app.db, &by, &mgr, roster, &special).await.expect("special");
        let reader = roster_reader(&app.db, &admin, time::macros::date!(2026 - 11 - 25)).await.expect("reader");
        let national_day = window("2027-10-01 00:00", "2027-10-08 00:00");
        let t = service::timeline(&app.db, &reader, roster, national_day, ZONE).await.expect("timeline");
        // 1 Oct 2027 is a Friday: Friday 08:30–18:00, then Monday to Thursday's office hours.
        let gaps: Vec<(String, String)> = t.gaps.iter().map(|g| (g.start.clone(), g.end.clone())).collect();
        assert_eq!(gaps.len(), 5, "{backend:?}: {gaps:?}");
        assert_eq!(gaps[0], ("2027-10-01 08:30".to_string(), "2027-10-01 18:00".to_string()));
        assert!(t.coverage_permille < 1000);

        // An override puts the security officer on the Friday's office hours: that gap is gone.
        let fill = OverrideInput {
            layer: "primary".into(),
            kind: "add".into(),
            person_id: security.to_string(),
            starts_at: "2027-10-01 08:30".into(),
            ends_at: "2027-10-01 18:00".into(),
            reason: "国庆值守".into(),
            ..OverrideInput::default()
        };
        service::add_override(&app.db, &by, &mgr, roster, &fill).await.expect("override");
        let t = service::timeline(&app.db, &reader, roster, national_day, ZONE).await.expect("timeline");
        assert_eq!(t.gaps.len(), 4, "{backend:?}");
        assert_ne!(t.gaps[0].start, "2027-10-01 08:30");

        // The same person overlapping again conflicts; removing someone off duty changes nothing;
        // an end before the start is refused.
        let mut again = fill.clone();
        again.starts_at = "2027-10-01 17:00".into();
        again.ends_at = "2027-10-01 20:00".into();
        assert_eq!(
            refused(service::add_override(&app.db, &by, &mgr, roster, &again).await),
            vec![("starts_at", Msg::ErrDutyOverrideConflict)],
            "{backend:?}"
        );
        let idle = OverrideInput { kind: "remove".into(), person_id: duty.to_string(), ..fill.clone() };
        assert_eq!(
            refused(service::add_override(&app.db, &by, &mgr, roster, &idle).await),
            vec![("starts_at", Msg::ErrDutyChangesNothing)],
            "{backend:?}"
        );
        let backwards = OverrideInput { ends_at: "2027-10-01 07:00".into(), ..fill.clone() };
        assert_eq!(
            refused(service::add_override(&app.db, &by, &mgr, roster, &backwards).await),
            vec![("ends_at", Msg::ErrDutyEndsBeforeStart)],
            "{backend:?}"
        );

        // Another organisation's manager reaches nothing of it: "not found".
        let csp_admin = actor(&app, "admin@csp.example").await;
        let csp_mgr = roster_manager(&csp_admin).expect("its own manager");
        let by_csp = Acting { actor: &csp_admin, meta: &meta, now: app.now() };
        assert!(matches!(
            service::add_rotation(&app.db, &by_csp, &csp_mgr, roster, &weeknights).await,
            Err(ServiceError::NotFound)
        ));
        // A regulator reads but never manages.
        let regulator = actor(&app, "admin@east-regulator.example").await;
        assert!(matches!(roster_manager(&regulator), Err(ServiceError::Forbidden)));
    }
}

#[tokio::test]
async fn who_sees_which_desk_on_duty_now() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let today = time::macros::date!(2026 - 11 - 25);
        // The CSP's desk, round the clock, one person; the agency's, out of hours.
        let mut desks = Vec::new();
        for (email, name) in [("admin@csp.example", "云平台7×24值班"), ("admin@transport.example", "交通局值班")]
        {
            let a = actor(&app, email).await;
            let by = Acting { actor: &a, meta: &meta, now: app.now() };
            let mgr = roster_manager(&a).expect("manager");
            let input = RosterInput { name: name.into(), cover: "always".into(), ..RosterInput::default() };
            let id = service::create_roster(&app.db, &by, &mgr, &input).await.expect("roster");
            let duty = common::id_where(&app.db, "person", "email", &email.replace("admin@", "duty@")).await;
            let rotation = RotationInput {
                name: "全天".into(),
                pattern: "weekly".into(),
                handoff: "09:00".into(),
                anchor: "2026-11-02".into(),
                members: vec![member(duty)],
                ..RotationInput::default()
            };
            service::add_rotation(&app.db, &by, &mgr, id, &rotation).await.expect("rotation");
            desks.push(name);
        }
        let seen = |email: &'static str| {
            let app = &app;
            async move {
                let a = actor(app, email).await;
                let reader = roster_reader(&app.db, &a, today).await.expect("reader");
                let rows = service::on_duty_now(&app.db, &reader, app.now(), ZONE).await.expect("now");
                rows.into_iter().map(|r| (r.roster, r.primary.len())).collect::<Vec<_>>()
            }
        };
        // The agency whose CSP engagement is in force sees the CSP's desk, with its person on.
        assert_eq!(seen("staff@agency.example").await, vec![("云平台7×24值班".to_string(), 1)], "{backend:?}");
        // The CSP sees its own only; the transport agency (its engagement with csp2 ended, csp3
        // has no desk) sees its own.
        assert_eq!(seen("viewer@csp.example").await, vec![("云平台7×24值班".to_string(), 1)], "{backend:?}");
        assert_eq!(seen("viewer@transport.example").await, vec![("交通局值班".to_string(), 1)], "{backend:?}");
        // Regulators: the west city has the transport agency; the east city and the neighbour none.
        assert_eq!(seen("viewer@west-regulator.example").await, vec![("交通局值班".to_string(), 1)], "{backend:?}");
        assert_eq!(seen("viewer@regulator.example").await, vec![("交通局值班".to_string(), 1)], "{backend:?}");
        assert!(seen("viewer@east-regulator.example").await.is_empty(), "{backend:?}");
        assert!(seen("viewer@neighbour-regulator.example").await.is_empty(), "{backend:?}");
        // An agency whose only engagement with that CSP was declined (culture) sees no desk.
        assert!(seen("viewer@culture.example").await.is_empty(), "{backend:?}");
        assert_eq!(desks.len(), 2);
    }
}
