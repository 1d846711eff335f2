//! The one scheduler: a fleet job is claimed by one instance at a time (under a row lock on
//! PostgreSQL), runs once per interval however many instances tick, is taken over when a claim
//! outlives its lease, and keeps its last error; an instance job runs on every instance.
use crate::common;

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use app::backend::{
    jobs::{self, Claim, Job, Ran, Scheduler},
    ManualClock,
};
use common::{backends, fresh_db};
use time::{macros::datetime, Duration};

#[tokio::test]
async fn a_fleet_job_is_claimed_by_one_instance_and_taken_over_after_its_lease() {
    for b in backends() {
        let (db, _) = fresh_db(b).await;
        let t0 = datetime!(2026-12-04 08:00 UTC);
        let lease = Duration::minutes(10);
        jobs::ensure(&db, "probe", t0).await.expect("ensure");
        jobs::ensure(&db, "probe", t0 + Duration::HOUR).await.expect("ensure again leaves the row as it was");
        assert_eq!(jobs::claim(&db, "probe", t0, lease, "a").await.expect("claim"), Claim::Ours, "{b:?}");
        assert_eq!(jobs::claim(&db, "probe", t0, lease, "b").await.expect("claim"), Claim::NotYet(t0 + lease));
        jobs::finish(&db, "probe", "a", t0, t0 + Duration::minutes(5), Some("smtp refused")).await.expect("finish");
        let row = jobs::status(&db).await.expect("status").remove(0);
        assert_eq!((row.runs, row.claimed_by, row.last_error.as_deref()), (1, None, Some("smtp refused")));
        let t1 = t0 + Duration::minutes(5);
        assert_eq!(
            jobs::claim(&db, "probe", t1 - Duration::SECOND, lease, "b").await.expect("claim"),
            Claim::NotYet(t1)
        );
        // b claims and then stalls past its lease: a takes over, and b's late finish changes nothing.
        assert_eq!(jobs::claim(&db, "probe", t1, lease, "b").await.expect("claim"), Claim::Ours);
        let t2 = t1 + lease + Duration::SECOND;
        assert_eq!(jobs::claim(&db, "probe", t2, lease, "a").await.expect("claim"), Claim::Ours);
        jobs::finish(&db, "probe", "b", t2, t2 + Duration::HOUR, None).await.expect("late finish");
        let row = jobs::status(&db).await.expect("status").remove(0);
        assert_eq!(row.claimed_by.as_deref(), Some("a"), "the late finish left a's claim alone");
        assert_eq!(row.runs, 1);
    }
}

#[tokio::test]
async fn concurrent_claims_on_one_row_let_exactly_one_through() {
    for b in backends() {
        let (db, _) = fresh_db(b).await;
        let t0 = datetime!(2026-12-04 08:00 UTC);
        jobs::ensure(&db, "race", t0).await.expect("ensure");
        for round in 0..5i64 {
            let now = t0 + Duration::minutes(20 * round);
            let claims = (0..8).map(|i| {
                let db = db.clone();
                tokio::spawn(
                    async move { jobs::claim(&db, "race", now, Duration::minutes(10), &format!("i{i}")).await },
                )
            });
            let mut ours = 0;
            for c in claims {
                if c.await.expect("task").expect("claim") == Claim::Ours {
                    ours += 1;
                }
            }
            assert_eq!(ours, 1, "{b:?}, round {round}: one claim of eight succeeds");
            let holder = jobs::status(&db).await.expect("status").remove(0).claimed_by.expect("held");
            jobs::finish(&db, "race", &holder, now, now + Duration::minutes(15), None).await.expect("finish");
        }
        assert_eq!(jobs::status(&db).await.expect("status")[0].runs, 5, "{b:?}");
    }
}

fn counting(name: &'static str, every: u64, runs: &Arc<AtomicUsize>, fleet: bool) -> Job {
    let runs = runs.clone();
    let run = move |_| {
        let runs = runs.clone();
        async move {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok(Ran::Done)
        }
    };
    let every = std::time::Duration::from_secs(every);
    if fleet {
        Job::fleet(name, every, run)
    } else {
        Job::instance(name, every, run)
    }
}

#[tokio::test]
async fn two_schedulers_run_a_fleet_job_once_per_interval_and_an_instance_job_each() {
    for b in backends() {
        let (db, _) = fresh_db(b).await;
        let clock = Arc::new(ManualClock::new(datetime!(2026-12-04 08:00 UTC)));
        let (fleet_runs, local_runs) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let make = || {
            Scheduler::new(db.clone(), clock.clone())
                .with([counting("digest", 600, &fleet_runs, true), counting("trim", 1, &local_runs, false)])
        };
        let (one, two) = (make(), make());
        assert_ne!(one.instance(), two.instance());
        for _ in 0..3 {
            for s in [&one, &two] {
                s.tick("digest").await.expect("tick");
                s.tick("trim").await.expect("tick");
            }
        }
        assert_eq!(fleet_runs.load(Ordering::SeqCst), 1, "{b:?}: six ticks in one interval, one run");
        assert_eq!(local_runs.load(Ordering::SeqCst), 6, "each instance runs its own");
        clock.advance(Duration::minutes(10));
        let (x, y) = (one.tick("digest").await.expect("tick"), two.tick("digest").await.expect("tick"));
        assert_eq!((x.is_some() as u8) + (y.is_some() as u8), 1, "one of them ran it in the next interval");
        assert_eq!(fleet_runs.load(Ordering::SeqCst), 2);
        assert!(one.tick("no-such-job").await.expect("tick").is_none());
    }
}

#[tokio::test]
async fn a_job_that_fails_keeps_its_error_and_a_full_batch_is_due_again_at_once() {
    for b in backends() {
        let (db, _) = fresh_db(b).await;
        let clock = Arc::new(ManualClock::new(datetime!(2026-12-04 08:00 UTC)));
        let batches = Arc::new(AtomicUsize::new(0));
        let counter = batches.clone();
        let s = Scheduler::new(db.clone(), clock.clone()).with([
            Job::fleet("broken", std::time::Duration::from_secs(60), |_| async { Err("no route to mail host".into()) }),
            Job::fleet("batches", std::time::Duration::from_secs(60), move |_| {
                let counter = counter.clone();
                // Two full batches, then done.
                async move { Ok(if counter.fetch_add(1, Ordering::SeqCst) < 2 { Ran::More } else { Ran::Done }) }
            }),
        ]);
        assert_eq!(s.tick("broken").await.expect("tick"), Some(Err("no route to mail host".into())));
        for _ in 0..5 {
            s.tick("batches").await.expect("tick");
        }
        assert_eq!(batches.load(Ordering::SeqCst), 3, "{b:?}: due again after each full batch, then not");
        let rows = jobs::status(&db).await.expect("status");
        let broken = rows.iter().find(|r| r.name == "broken").expect("row");
        assert_eq!(broken.last_error.as_deref(), Some("no route to mail host"));
        assert_eq!(broken.due_at, clock_now(&clock) + Duration::minutes(1), "tried again in one interval");
    }
}

fn clock_now(c: &ManualClock) -> time::OffsetDateTime {
    use app::backend::Clock;
    c.now()
}
