//! Where the digest's reads start: a person's own preference and last digest, and, for the job
//! alone (no actor: it writes to everyone in turn), the people who receive digests and the days
//! already handled. What each digest says is read through each module's own reader.
use std::collections::HashMap;

use sea_orm::{
    sea_query::Query, ColumnTrait, DatabaseConnection, DeleteMany, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use uuid::Uuid;

use super::entity::{preference, sent};
use crate::{
    backend::{actor::Actor, ServiceResult},
    domain::OrgKind,
    tenancy::entity::{organisation, person},
};

/// The signed-in person's own preference row.
pub fn own_preference(actor: &Actor) -> Select<preference::Entity> {
    preference::Entity::find_by_id(actor.person_id)
}

/// The signed-in person's latest handled day.
pub fn own_last_sent(actor: &Actor) -> Select<sent::Entity> {
    sent::Entity::find().filter(sent::Column::PersonId.eq(actor.person_id)).order_by_desc(sent::Column::Day).limit(1)
}

/// A person who receives digests, with its clock and choices.
#[derive(Clone, Debug)]
pub struct DigestPerson {
    pub person_id: Uuid,
    pub time_zone: Option<String>,
    pub send_at: Option<i16>,
    pub opted_out: Option<String>,
}

/// Every active person of an active organisation other than the platform operator, with its
/// preference (if it chose one), colleagues together (their shared sections are read once).
pub async fn digest_people(db: &DatabaseConnection) -> ServiceResult<Vec<DigestPerson>> {
    let orgs = Query::select()
        .column(organisation::Column::Id)
        .from(organisation::Entity)
        .and_where(organisation::Column::Active.eq(true))
        .and_where(organisation::Column::Kind.ne(OrgKind::Platform.code()))
        .to_owned();
    let people: Vec<(Uuid, Option<String>)> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::TimeZone)
        .filter(person::Column::Active.eq(true))
        .filter(person::Column::OrganisationId.in_subquery(orgs))
        .order_by_asc(person::Column::OrganisationId)
        .order_by_asc(person::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let prefs: HashMap<Uuid, preference::Model> =
        preference::Entity::find().all(db).await?.into_iter().map(|p| (p.person_id, p)).collect();
    Ok(people
        .into_iter()
        .map(|(person_id, time_zone)| {
            let p = prefs.get(&person_id);
            DigestPerson { person_id, time_zone, send_at: p.map(|p| p.send_at), opted_out: p.map(|p| p.opted_out.clone()) }
        })
        .collect())
}

/// The (person, day) pairs handled from `day` on.
pub async fn handled_since(db: &DatabaseConnection, day: time::Date) -> ServiceResult<Vec<(Uuid, time::Date)>> {
    Ok(sent::Entity::find()
        .select_only()
        .column(sent::Column::PersonId)
        .column(sent::Column::Day)
        .filter(sent::Column::Day.gte(day))
        .into_tuple()
        .all(db)
        .await?)
}

/// The marks of days before `day`.
pub fn forget_handled_before(day: time::Date) -> DeleteMany<sent::Entity> {
    sent::Entity::delete_many().filter(sent::Column::Day.lt(day))
}
