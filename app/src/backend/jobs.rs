//! The one scheduler every periodic job runs through. A fleet job has a row in `job` that an
//! instance claims under a row lock (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one
//! writer at a time) before it runs, so however many instances serve one database, each fleet job
//! runs once per interval; an instance job (following the data epoch, trimming memory) runs on
//! every instance, from the same place.
use std::{future::Future, pin::Pin, sync::Arc, time::Duration as StdDuration};

use sea_orm::{
    sea_query::{LockBehavior, LockType},
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, IntoActiveModel, QueryOrder,
    QuerySelect, Set,
};
use time::{Duration, OffsetDateTime};

use super::{db::write_txn, entity::job, Clock, ServiceResult};

/// What a run found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ran {
    /// Everything due was done: next time in one interval.
    Done,
    /// A full batch: more is waiting, so the job is due again at once.
    More,
}

/// Where a job runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Once across all instances, under the job row's claim.
    Fleet,
    /// On every instance (its own caches and memory).
    Instance,
}

type JobFuture = Pin<Box<dyn Future<Output = Result<Ran, String>> + Send>>;
type JobFn = Arc<dyn Fn(OffsetDateTime) -> JobFuture + Send + Sync>;

/// One periodic job: a name (its row's key), its interval, and what it does at a given moment.
#[derive(Clone)]
pub struct Job {
    pub name: &'static str,
    pub every: StdDuration,
    pub reach: Reach,
    run: JobFn,
}

impl Job {
    /// A job that runs once across instances every `every`.
    pub fn fleet<F, Fut>(name: &'static str, every: StdDuration, run: F) -> Job
    where
        F: Fn(OffsetDateTime) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Ran, String>> + Send + 'static,
    {
        Job { name, every, reach: Reach::Fleet, run: Arc::new(move |now| Box::pin(run(now))) }
    }

    /// A job that runs on every instance every `every`.
    pub fn instance<F, Fut>(name: &'static str, every: StdDuration, run: F) -> Job
    where
        F: Fn(OffsetDateTime) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Ran, String>> + Send + 'static,
    {
        Job { reach: Reach::Instance, ..Job::fleet(name, every, run) }
    }

    /// How long a claim holds: a crashed instance's job is taken over after this. Longer than any
    /// run takes (a mail batch waits at most 20 s per message on SMTP).
    fn lease(&self) -> Duration {
        Duration::try_from(self.every).unwrap_or(Duration::HOUR).max(Duration::minutes(10))
    }
}

/// Whether this instance may run a fleet job now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Claimed: run it, then [`finish`].
    Ours,
    /// Not due, or held by another instance, until about then.
    NotYet(OffsetDateTime),
}

/// Makes the job's row if it has none: due at once.
pub async fn ensure(db: &DatabaseConnection, name: &str, now: OffsetDateTime) -> ServiceResult<()> {
    job::Entity::insert(job::ActiveModel {
        name: Set(name.to_string()),
        due_at: Set(now),
        claimed_until: Set(None),
        claimed_by: Set(None),
        last_started_at: Set(None),
        last_finished_at: Set(None),
        last_error: Set(None),
        runs: Set(0),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Claims the job for `lease` if it is due and nobody holds it. The row is read under a lock that
/// another instance's claim skips rather than waits on, so two claims never both succeed.
pub async fn claim(
    db: &DatabaseConnection,
    name: &str,
    now: OffsetDateTime,
    lease: Duration,
    instance: &str,
) -> ServiceResult<Claim> {
    let txn = write_txn(db).await?;
    let mut q = job::Entity::find_by_id(name.to_string());
    if txn.get_database_backend() == DbBackend::Postgres {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let Some(row) = q.one(&txn).await? else {
        // Locked by another instance's claim this very moment (or not made yet): look again soon.
        txn.commit().await?;
        return Ok(Claim::NotYet(now + Duration::SECOND));
    };
    if row.due_at > now {
        txn.commit().await?;
        return Ok(Claim::NotYet(row.due_at));
    }
    if let Some(until) = row.claimed_until.filter(|u| *u > now) {
        txn.commit().await?;
        return Ok(Claim::NotYet(until));
    }
    let mut am = row.into_active_model();
    am.claimed_until = Set(Some(now + lease));
    am.claimed_by = Set(Some(instance.to_string()));
    am.last_started_at = Set(Some(now));
    am.update(&txn).await?;
    txn.commit().await?;
    Ok(Claim::Ours)
}

/// Releases a claim after a run that finished at `finished`: due again at `next`, with the run's
/// error (if any) kept for `portal jobs`. A claim another instance has since taken over (ours
/// outlived its lease) is left alone.
pub async fn finish(
    db: &DatabaseConnection,
    name: &str,
    instance: &str,
    finished: OffsetDateTime,
    next: OffsetDateTime,
    error: Option<&str>,
) -> ServiceResult<()> {
    let txn = write_txn(db).await?;
    if let Some(row) = job::Entity::find_by_id(name.to_string()).one(&txn).await? {
        if row.claimed_by.as_deref() == Some(instance) {
            let runs = row.runs + 1;
            let mut am = row.into_active_model();
            am.due_at = Set(next);
            am.claimed_until = Set(None);
            am.claimed_by = Set(None);
            am.last_finished_at = Set(Some(finished));
            am.last_error = Set(error.map(|e| e.chars().take(1000).collect()));
            am.runs = Set(runs);
            am.update(&txn).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Every fleet job's row, by name (`portal jobs`).
pub async fn status(db: &DatabaseConnection) -> ServiceResult<Vec<job::Model>> {
    Ok(job::Entity::find().order_by_asc(job::Column::Name).all(db).await?)
}

/// The jobs of one running instance.
pub struct Scheduler {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    /// Names this instance in the claims it holds.
    instance: String,
    jobs: Vec<Job>,
}

impl Scheduler {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Scheduler {
        let instance = format!("{}-{}", std::process::id(), &uuid::Uuid::new_v4().simple().to_string()[..8]);
        Scheduler { db, clock, instance, jobs: Vec::new() }
    }

    pub fn instance(&self) -> &str {
        &self.instance
    }

    pub fn with(mut self, jobs: impl IntoIterator<Item = Job>) -> Scheduler {
        self.jobs.extend(jobs);
        self
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.jobs.iter().map(|j| j.name).collect()
    }

    /// One attempt at the job now: runs it if it is this instance's to run. `None` when it was
    /// not (not due, or another instance holds it).
    pub async fn tick(&self, name: &str) -> ServiceResult<Option<Result<Ran, String>>> {
        let Some(job) = self.jobs.iter().find(|j| j.name == name) else {
            return Ok(None);
        };
        if job.reach == Reach::Fleet {
            ensure(&self.db, job.name, self.clock.now()).await?;
        }
        Ok(self.attempt(job).await?.0)
    }

    /// Runs the job if due and returns what it did, and when to look again.
    async fn attempt(&self, job: &Job) -> ServiceResult<(Option<Result<Ran, String>>, StdDuration)> {
        let now = self.clock.now();
        if job.reach == Reach::Instance {
            let ran = (job.run)(now).await;
            let wait = if ran == Ok(Ran::More) { StdDuration::ZERO } else { job.every };
            return Ok((Some(ran), wait));
        }
        match claim(&self.db, job.name, now, job.lease(), &self.instance).await? {
            Claim::NotYet(at) => {
                // The clock's time to wait, within [1 s, the interval]: a test's clock may stand still.
                let wait = StdDuration::try_from(at - now).unwrap_or_default();
                Ok((None, wait.clamp(StdDuration::from_secs(1), job.every.max(StdDuration::from_secs(1)))))
            }
            Claim::Ours => {
                let ran = (job.run)(now).await;
                let finished = self.clock.now();
                let next = match ran {
                    Ok(Ran::More) => finished,
                    _ => now + Duration::try_from(job.every).unwrap_or(Duration::HOUR),
                };
                let error = ran.as_ref().err().map(String::as_str);
                if let Some(e) = error {
                    tracing::warn!(job = job.name, error = %e, "job failed");
                }
                finish(&self.db, job.name, &self.instance, finished, next, error).await?;
                let wait = StdDuration::try_from(next - finished).unwrap_or_default();
                Ok((Some(ran), wait.min(job.every)))
            }
        }
    }

    /// Runs every job in a task of its own (a slow SMTP server delays no other job), for as long
    /// as the process lives.
    pub fn start(self) {
        let this = Arc::new(self);
        for job in this.jobs.clone() {
            let this = this.clone();
            tokio::spawn(async move {
                // The job's row, once: a claim finds no row as if another instance held it.
                if job.reach == Reach::Fleet {
                    while let Err(e) = ensure(&this.db, job.name, this.clock.now()).await {
                        tracing::warn!(job = job.name, error = %e, "could not record the job");
                        tokio::time::sleep(StdDuration::from_secs(5)).await;
                    }
                }
                loop {
                    let wait = match this.attempt(&job).await {
                        Ok((_, wait)) => wait,
                        Err(e) => {
                            tracing::warn!(job = job.name, error = %e, "could not claim the job");
                            job.every.min(StdDuration::from_secs(30))
                        }
                    };
                    tokio::time::sleep(wait).await;
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_outlasts_the_interval_and_ten_minutes() {
        let j = Job::fleet("x", StdDuration::from_secs(5), |_| async { Ok(Ran::Done) });
        assert_eq!(j.lease(), Duration::minutes(10));
        let j = Job::fleet("x", StdDuration::from_secs(3600), |_| async { Ok(Ran::Done) });
        assert_eq!(j.lease(), Duration::HOUR);
    }
}
