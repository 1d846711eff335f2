//! The data epoch and the in-process caches it guards: a database marker that moves whenever
//! reports or the organisation tree change (so other processes notice), an in-memory generation
//! that moves after every change this process makes, and the caches of what requests read most
//! (sessions, actors, tokens, computed views), each entry valid for one generation only.
use std::{
    any::Any,
    collections::HashMap,
    future::Future,
    hash::Hash,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard,
    },
};

use sea_orm::{sea_query::OnConflict, ActiveValue::Set, ConnectionTrait, EntityTrait};
use tokio::sync::OnceCell;

use super::{entity::setting, ServiceError, ServiceResult};

const KEY: &str = "data_epoch";

/// The current database epoch (any text; only equality matters).
pub async fn current<C: ConnectionTrait>(conn: &C) -> ServiceResult<String> {
    Ok(setting::Entity::find_by_id(KEY.to_string()).one(conn).await?.map(|s| s.value).unwrap_or_default())
}

/// Commits a change that cached views read: the epoch moves in the same transaction, so they read
/// again (here and on other instances) exactly when the change is there to read.
pub async fn commit_change(txn: sea_orm::DatabaseTransaction) -> ServiceResult<()> {
    bump(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves the database epoch; call inside the transaction that makes the change, so the two commit
/// together.
pub async fn bump<C: ConnectionTrait>(conn: &C) -> ServiceResult<()> {
    setting::Entity::insert(setting::ActiveModel {
        key: Set(KEY.into()),
        value: Set(uuid::Uuid::new_v4().to_string()),
    })
    .on_conflict(OnConflict::column(setting::Column::Key).update_column(setting::Column::Value).to_owned())
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

const TREE_KEY: &str = "tree_epoch";

/// The organisation tree's own marker: it moves only when an organisation moves between
/// jurisdictions, so a view kept across other writes (the regulator's board) is keyed by it and
/// never lists an agency that has left the reader's jurisdiction.
pub async fn tree<C: ConnectionTrait>(conn: &C) -> ServiceResult<String> {
    Ok(setting::Entity::find_by_id(TREE_KEY.to_string()).one(conn).await?.map(|s| s.value).unwrap_or_default())
}

/// Moves the tree's marker; call inside the transaction that moves an organisation.
pub async fn bump_tree<C: ConnectionTrait>(conn: &C) -> ServiceResult<()> {
    setting::Entity::insert(setting::ActiveModel {
        key: Set(TREE_KEY.into()),
        value: Set(uuid::Uuid::new_v4().to_string()),
    })
    .on_conflict(OnConflict::column(setting::Column::Key).update_column(setting::Column::Value).to_owned())
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The in-memory generation. It moves only after a change has committed, so a value read before
/// reading the database labels data at least as new as that generation: an entry stored under a
/// generation that has since moved is never served again.
#[derive(Debug, Default)]
pub struct Generation(AtomicU64);

impl Generation {
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Call after a change has committed.
    pub fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Keeps only the entries of generation `current` (the caches' common shape: value with its
/// generation); none of the others can be served again.
fn keep_generation<K: Eq + Hash, V>(entries: &Mutex<HashMap<K, (u64, V)>>, current: u64) {
    let mut entries = lock(entries);
    entries.retain(|_, (g, _)| *g == current);
    entries.shrink_to_fit();
}

/// Values by key, each remembered with the generation it was read at. Bounded: when full it starts
/// over, which costs one recomputation per entry.
pub struct GenCache<K, V> {
    entries: Mutex<HashMap<K, (u64, V)>>,
    capacity: usize,
}

impl<K: Eq + Hash, V: Clone> GenCache<K, V> {
    pub fn new(capacity: usize) -> Self {
        GenCache { entries: Mutex::new(HashMap::new()), capacity }
    }

    /// The value stored for `key` at generation `at`, if it is still there.
    pub fn get(&self, key: &K, at: u64) -> Option<V> {
        lock(&self.entries).get(key).filter(|(g, _)| *g == at).map(|(_, v)| v.clone())
    }

    /// Remembers a value read at generation `at` (read the generation before the value, never after).
    pub fn put(&self, key: K, at: u64, value: V) {
        let mut entries = lock(&self.entries);
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (at, value));
    }

    pub fn remove(&self, key: &K) {
        lock(&self.entries).remove(key);
    }

    /// Forgets every entry of an earlier generation.
    pub fn drop_stale(&self, current: u64) {
        keep_generation(&self.entries, current);
    }
}

type Shared = Arc<dyn Any + Send + Sync>;
/// One view's slot: the generation it was computed at and the value, computed at most once.
type Slot = (u64, Arc<OnceCell<Shared>>);

/// Computed views (lists, grids, counts) by a key that names everything they depend on, computed
/// once per generation even when many requests ask at the same moment.
pub struct ViewCache {
    entries: Mutex<HashMap<String, Slot>>,
    /// Views that also move with the clock, by key: the last value with its generation, the
    /// moment it was computed, and whether a request is computing the next one.
    timed: Mutex<HashMap<String, Timed>>,
    capacity: usize,
}

/// A view that moves with the clock: its generation, when it was computed (Unix seconds), the
/// value, and whether a request is computing its successor.
struct Timed {
    at: u64,
    since: i64,
    value: Shared,
    refreshing: bool,
}

fn downcast<V: Send + Sync + 'static>(shared: Shared) -> ServiceResult<Arc<V>> {
    shared.downcast::<V>().map_err(|_| ServiceError::Internal("view cache: a key held another type".into()))
}

impl ViewCache {
    pub fn new(capacity: usize) -> Self {
        ViewCache { entries: Mutex::new(HashMap::new()), timed: Mutex::new(HashMap::new()), capacity }
    }

    /// The view for `key` at generation `at` that also moves with the clock: computed at most
    /// `max_age` seconds before `now`, except while its successor is being computed — one request
    /// computes it and the others are answered with the last value meanwhile, rather than all
    /// waiting. A moved generation is never answered from before it: the first request after a
    /// change computes afresh, once, as [`Self::get_or_compute`] does.
    pub async fn get_or_refresh<V, F, Fut>(
        &self,
        key: &str,
        at: u64,
        now: i64,
        max_age: i64,
        compute: F,
    ) -> ServiceResult<Arc<V>>
    where
        V: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = ServiceResult<V>>,
    {
        let full = format!("{}|{key}", std::any::type_name::<V>());
        let refresh = {
            let mut timed = lock(&self.timed);
            match timed.get_mut(&full) {
                Some(t) if t.at == at && (now - t.since < max_age || t.refreshing) => return downcast(t.value.clone()),
                Some(t) if t.at == at => {
                    t.refreshing = true;
                    true
                }
                _ => false,
            }
        };
        if refresh {
            let computed = compute().await.map(|v| Arc::new(v) as Shared);
            let mut timed = lock(&self.timed);
            return match computed {
                Ok(value) => {
                    if timed.get(&full).is_some_and(|t| t.at == at) {
                        timed.insert(full, Timed { at, since: now, value: value.clone(), refreshing: false });
                    }
                    downcast(value)
                }
                Err(e) => {
                    if let Some(t) = timed.get_mut(&full).filter(|t| t.at == at) {
                        t.refreshing = false;
                    }
                    Err(e)
                }
            };
        }
        // None yet for this generation: computed once however many ask, under a key that holds
        // the time slice, so a value is never older than `max_age` when first kept here.
        let slice = now.div_euclid(max_age.max(1));
        let value = self.get_or_compute::<V, _, _>(&format!("{key}|{slice}"), at, compute).await?;
        let mut timed = lock(&self.timed);
        if timed.len() >= self.capacity && !timed.contains_key(&full) {
            timed.clear();
        }
        let newer = timed.get(&full).is_some_and(|t| t.at == at && t.since >= slice * max_age.max(1));
        if !newer {
            timed.insert(
                full,
                Timed { at, since: slice * max_age.max(1), value: value.clone() as Shared, refreshing: false },
            );
        }
        Ok(value)
    }

    /// A view read by many while writes keep coming (the regulator's board): its last value is
    /// served while the data moves, recomputed by one request once it is `min_interval` seconds
    /// old and the generation has moved since (or once `max_age` has passed: it moves with the
    /// clock too), the others served the last value meanwhile. A value older than `bound` is never
    /// served: then every request waits for one computation. So a reader sees a change at most
    /// `min_interval` plus one computation late, and never waits for a recomputation a write
    /// caused. Returns the value with the moment (Unix seconds) it was computed.
    #[allow(clippy::too_many_arguments)]
    pub async fn get_or_revalidate<V, F, Fut>(
        &self,
        key: &str,
        at: u64,
        now: i64,
        min_interval: i64,
        max_age: i64,
        bound: i64,
        compute: F,
    ) -> ServiceResult<(Arc<V>, i64)>
    where
        V: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = ServiceResult<V>>,
    {
        let full = format!("{}|revalidated|{key}", std::any::type_name::<V>());
        let last = {
            let mut timed = lock(&self.timed);
            match timed.get_mut(&full) {
                Some(t) if now - t.since < bound => {
                    let age = now - t.since;
                    let current = t.at == at && age < max_age;
                    if current || age < min_interval || t.refreshing {
                        return Ok((downcast(t.value.clone())?, t.since));
                    }
                    t.refreshing = true;
                    Some((t.value.clone(), t.since))
                }
                _ => None,
            }
        };
        if let Some((value, since)) = last {
            // This request computes the successor; a failure serves the last value (still within
            // its bound) and lets the next request try again.
            let computed = compute().await.map(|v| Arc::new(v) as Shared);
            let mut timed = lock(&self.timed);
            return match computed {
                Ok(fresh) => {
                    timed.insert(full, Timed { at, since: now, value: fresh.clone(), refreshing: false });
                    Ok((downcast(fresh)?, now))
                }
                Err(e) => {
                    tracing::warn!("a kept view could not be computed again: {e}");
                    if let Some(t) = timed.get_mut(&full) {
                        t.refreshing = false;
                    }
                    Ok((downcast(value)?, since))
                }
            };
        }
        // None within its bound: computed once however many ask (keyed by the bound's slice, so
        // requests arriving together share one computation).
        let slice = now.div_euclid(bound.max(1));
        let value = self.get_or_compute::<V, _, _>(&format!("revalidated|{key}|{slice}"), at, compute).await?;
        let mut timed = lock(&self.timed);
        if timed.len() >= self.capacity && !timed.contains_key(&full) {
            timed.clear();
        }
        let newer = timed.get(&full).is_some_and(|t| now - t.since < bound && t.since >= now);
        if !newer {
            timed.insert(full, Timed { at, since: now, value: value.clone() as Shared, refreshing: false });
        }
        Ok((value, now))
    }

    /// The view for `key` at generation `at`, computing it with `compute` if no request has yet.
    /// A failed computation is not remembered. The key must name the reader's whole reach and
    /// every input of the view: the cache is shared by all tenants.
    pub async fn get_or_compute<V, F, Fut>(&self, key: &str, at: u64, compute: F) -> ServiceResult<Arc<V>>
    where
        V: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = ServiceResult<V>>,
    {
        // The type is part of the key, so two views can never be confused for each other.
        let key = format!("{}|{key}", std::any::type_name::<V>());
        let cell = {
            let mut entries = lock(&self.entries);
            match entries.get(&key) {
                Some((g, cell)) if *g == at => cell.clone(),
                _ => {
                    if entries.len() >= self.capacity && !entries.contains_key(&key) {
                        entries.clear();
                    }
                    let cell = Arc::new(OnceCell::new());
                    entries.insert(key, (at, cell.clone()));
                    cell
                }
            }
        };
        let shared = cell.get_or_try_init(|| async { compute().await.map(|v| Arc::new(v) as Shared) }).await?;
        downcast(shared.clone())
    }

    /// Forgets every view of an earlier generation (a request still computing one keeps its own).
    pub fn drop_stale(&self, current: u64) {
        keep_generation(&self.entries, current);
        lock(&self.timed).retain(|_, t| t.at == current);
    }
}

/// The caches of one running portal, shared by its requests.
pub struct Caches {
    pub generation: Generation,
    /// The database epoch last seen; `None` before the first read (or after a failed one).
    seen_epoch: Mutex<Option<String>>,
    /// Signed-in people by id (with roles and, for regulators, their subtree).
    pub actors: GenCache<uuid::Uuid, super::actor::Actor>,
    /// API tokens by the SHA-256 of their secret.
    pub tokens: GenCache<String, super::entity::api_token::Model>,
    /// Session records by session id.
    pub sessions: GenCache<String, tower_sessions::session::Record>,
    pub views: ViewCache,
    /// Rendered pages by person, language, address and day, with the script nonce blanked out.
    pub pages: GenCache<String, tokio_util::bytes::Bytes>,
    /// Daily work already done by this instance, by name: the day it was last done for.
    done_for: Mutex<std::collections::HashMap<&'static str, time::Date>>,
}

impl Caches {
    /// Reads the database epoch and moves the generation when it moved since the last look (or
    /// could not be read before): the only way a change reaches the caches, whether this instance
    /// made it (a service moves the epoch inside its transaction) or another did. Returns whether
    /// the generation moved.
    pub async fn follow<C: ConnectionTrait>(&self, db: &C) -> ServiceResult<bool> {
        let now = current(db).await;
        let mut seen = lock(&self.seen_epoch);
        match now {
            Ok(now) => {
                let moved = seen.as_ref() != Some(&now);
                if moved {
                    self.generation.bump();
                    *seen = Some(now);
                }
                Ok(moved)
            }
            Err(e) => {
                // Unreadable: the next successful read counts as a change, to be safe.
                *seen = None;
                Err(e)
            }
        }
    }

    /// Whether `what` has been done for `day` (or a later day) by this instance.
    pub fn done_for(&self, what: &'static str, day: time::Date) -> bool {
        self.done_for.lock().unwrap_or_else(|e| e.into_inner()).get(what).is_some_and(|d| *d >= day)
    }

    /// Records that `what` was done for `day`.
    pub fn mark_done_for(&self, what: &'static str, day: time::Date) {
        let mut done = self.done_for.lock().unwrap_or_else(|e| e.into_inner());
        let d = done.entry(what).or_insert(day);
        *d = (*d).max(day);
    }

    /// A view kept per `key` until the data changes. The key must name the reader's whole reach
    /// and every input of the view (with [`slice`] for a view that also moves with the clock): the
    /// cache is shared by all tenants.
    pub async fn kept<V, F, Fut>(&self, key: &str, compute: F) -> ServiceResult<V>
    where
        V: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = ServiceResult<V>>,
    {
        let kept = self.views.get_or_compute(key, self.generation.current(), compute).await?;
        Ok((*kept).clone())
    }

    /// A view kept per `key` until the data changes and, since it also moves with the clock, for
    /// at most `max_age` seconds after `now` — but while one request computes its successor the
    /// others get the last one rather than wait (see [`ViewCache::get_or_refresh`]). The key must
    /// name the reader's whole reach and every input of the view except the clock.
    pub async fn kept_for<V, F, Fut>(
        &self,
        key: &str,
        now: time::OffsetDateTime,
        max_age: i64,
        compute: F,
    ) -> ServiceResult<V>
    where
        V: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = ServiceResult<V>>,
    {
        let kept =
            self.views.get_or_refresh(key, self.generation.current(), now.unix_timestamp(), max_age, compute).await?;
        Ok((*kept).clone())
    }

    /// A view kept across writes, served up to `min_interval` seconds (plus one computation)
    /// behind them: see [`ViewCache::get_or_revalidate`]. Returns the value and when it was
    /// computed. The key must name the reader's whole reach and every input of the view except
    /// the clock.
    pub async fn kept_revalidated<V, F, Fut>(
        &self,
        key: &str,
        now: time::OffsetDateTime,
        min_interval: i64,
        max_age: i64,
        compute: F,
    ) -> ServiceResult<(Arc<V>, time::OffsetDateTime)>
    where
        V: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = ServiceResult<V>>,
    {
        let (value, since) = self
            .views
            .get_or_revalidate(
                key,
                self.generation.current(),
                now.unix_timestamp(),
                min_interval,
                max_age,
                max_age * 2,
                compute,
            )
            .await?;
        Ok((value, time::OffsetDateTime::from_unix_timestamp(since).unwrap_or(now)))
    }

    /// Frees what a moved generation left behind, for a quiet moment.
    pub fn drop_stale(&self) {
        let current = self.generation.current();
        self.actors.drop_stale(current);
        self.tokens.drop_stale(current);
        self.sessions.drop_stale(current);
        self.views.drop_stale(current);
        self.pages.drop_stale(current);
    }
}

/// Which `seconds`-long slice of time `now` falls in: part of a kept view's key when the view
/// moves with the clock, so it is kept at most that long.
pub fn slice(now: time::OffsetDateTime, seconds: i64) -> i64 {
    now.unix_timestamp().div_euclid(seconds.max(1))
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            generation: Generation::default(),
            seen_epoch: Mutex::new(None),
            actors: GenCache::new(10_000),
            tokens: GenCache::new(10_000),
            sessions: GenCache::new(20_000),
            views: ViewCache::new(2_000),
            // About 100 KB a page: a bound of some 25 MB.
            pages: GenCache::new(256),
            done_for: Mutex::new(std::collections::HashMap::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_served_only_for_its_generation_and_the_cache_stays_small() {
        let cache = GenCache::new(2);
        cache.put("a", 1, 10);
        assert_eq!(cache.get(&"a", 1), Some(10));
        assert_eq!(cache.get(&"a", 2), None, "a moved generation misses");
        assert_eq!(cache.get(&"b", 1), None);
        cache.put("b", 1, 20);
        cache.put("c", 1, 30);
        assert_eq!(cache.get(&"c", 1), Some(30));
        assert!(cache.get(&"a", 1).is_none() && cache.get(&"b", 1).is_none(), "full: started over");
        cache.remove(&"c");
        assert_eq!(cache.get(&"c", 1), None);
    }

    #[tokio::test]
    async fn a_view_that_moves_with_the_clock_is_computed_again_by_one_request_while_others_get_the_last() {
        let cache = ViewCache::new(10);
        let get = |now: i64, v: u32| cache.get_or_refresh("k", 1, now, 60, move || async move { Ok(v) });
        assert_eq!(*get(1000, 1).await.unwrap(), 1, "computed the first time");
        assert_eq!(*get(1010, 2).await.unwrap(), 1, "kept within the minute");
        // Past the minute: one request computes the next; one asking meanwhile gets the last.
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let refresher = cache.get_or_refresh("k", 1, 1100, 60, move || async move {
            rx.await.ok();
            Ok(3u32)
        });
        let meanwhile = async {
            let v = get(1101, 4).await.unwrap();
            tx.send(()).ok();
            v
        };
        let (next, last) = tokio::join!(refresher, meanwhile);
        assert_eq!((*next.unwrap(), *last), (3, 1));
        assert_eq!(*get(1102, 5).await.unwrap(), 3, "the new value is kept from then on");
        // A failed computation leaves the last value, and the next request tries again.
        let failed =
            cache.get_or_refresh::<u32, _, _>("k", 1, 1200, 60, || async { Err(ServiceError::Internal("x".into())) });
        assert!(failed.await.is_err());
        assert_eq!(*get(1201, 6).await.unwrap(), 6);
        // A moved generation is never answered from before it.
        let moved = cache.get_or_refresh("k", 2, 1202, 60, || async { Ok(7u32) }).await.unwrap();
        assert_eq!(*moved, 7);
        cache.drop_stale(2);
        assert_eq!(lock(&cache.timed).len(), 1);
    }

    #[tokio::test]
    async fn a_view_kept_across_writes_is_served_while_one_request_computes_the_next() {
        let cache = ViewCache::new(10);
        let get = |gen: u64, now: i64, v: u32| {
            cache.get_or_revalidate("k", gen, now, 5, 60, 120, move || async move { Ok(v) })
        };
        assert_eq!(get(1, 1000, 1).await.unwrap(), (Arc::new(1), 1000), "computed the first time");
        assert_eq!(*get(2, 1003, 2).await.unwrap().0, 1, "a write within the interval: the last value");
        // Past the interval after a write: one request computes; one asking meanwhile gets the last.
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let refresher = cache.get_or_revalidate("k", 3, 1006, 5, 60, 120, move || async move {
            rx.await.ok();
            Ok(3u32)
        });
        let meanwhile = async {
            let v = get(4, 1007, 4).await.unwrap();
            tx.send(()).ok();
            v
        };
        let (next, last) = tokio::join!(refresher, meanwhile);
        assert_eq!(next.unwrap(), (Arc::new(3), 1006));
        assert_eq!(last, (Arc::new(1), 1000));
        // No write since: kept until it is a minute old, then computed again.
        assert_eq!(*get(3, 1060, 5).await.unwrap().0, 3);
        assert_eq!(*get(3, 1066, 6).await.unwrap().0, 6);
        // A failure serves the last value and the next request tries again.
        let failed = cache
            .get_or_revalidate::<u32, _, _>("k", 9, 1080, 5, 60, 120, || async {
                Err(ServiceError::Internal("x".into()))
            })
            .await
            .unwrap();
        assert_eq!(failed, (Arc::new(6), 1066));
        assert_eq!(*get(9, 1081, 7).await.unwrap().0, 7);
        // Past its bound a value is never served: the request waits for a new one.
        assert_eq!(*get(9, 1300, 8).await.unwrap().0, 8);
    }

    #[tokio::test]
    async fn a_quiet_moment_drops_only_what_an_earlier_generation_read() {
        let caches = Caches::default();
        caches.pages.put("old".to_string(), 0, Default::default());
        caches.views.get_or_compute("v", 0, || async { Ok(1u32) }).await.unwrap();
        caches.generation.bump();
        caches.pages.put("new".to_string(), 1, Default::default());
        caches.views.get_or_compute("w", 1, || async { Ok(2u32) }).await.unwrap();
        caches.drop_stale();
        assert!(caches.pages.get(&"old".to_string(), 0).is_none(), "stale page dropped");
        assert!(caches.pages.get(&"new".to_string(), 1).is_some(), "current page kept");
        assert_eq!(lock(&caches.views.entries).len(), 1, "only the current view is kept");
        let again = caches.views.get_or_compute("w", 1, || async { Ok(3u32) }).await.unwrap();
        assert_eq!(*again, 2, "the kept view is served, not recomputed");
    }

    #[tokio::test]
    async fn a_view_is_computed_once_per_generation_and_failures_are_not_kept() {
        let cache = ViewCache::new(8);
        let runs = AtomicU64::new(0);
        let compute = || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok(7u32)
        };
        let (a, b) = tokio::join!(cache.get_or_compute("k", 1, compute), cache.get_or_compute("k", 1, compute));
        assert_eq!((*a.unwrap(), *b.unwrap()), (7, 7));
        assert_eq!(runs.load(Ordering::SeqCst), 1, "two requests at once, one computation");
        cache.get_or_compute("k", 2, compute).await.unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 2, "a new generation recomputes");
        let failed: ServiceResult<Arc<u32>> =
            cache.get_or_compute("e", 2, || async { Err(ServiceError::Forbidden) }).await;
        assert!(failed.is_err());
        assert_eq!(*cache.get_or_compute("e", 2, compute).await.unwrap(), 7, "a failure is retried");
        let other: ServiceResult<Arc<String>> = cache.get_or_compute("k", 2, || async { Ok("text".to_string()) }).await;
        assert_eq!(other.unwrap().as_str(), "text", "same key, other type: its own entry");
    }

    #[test]
    fn the_generation_only_moves_forward() {
        let g = Generation::default();
        let before = g.current();
        g.bump();
        assert!(g.current() > before);
    }
}
