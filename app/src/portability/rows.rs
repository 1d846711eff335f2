//! One table's rows as JSON objects and back, for any entity: each value by its column's type
//! (UUIDs and text as strings, days as YYYY-MM-DD, instants as RFC 3339 in UTC to the
//! microsecond, which is what PostgreSQL keeps), so an archive reads the same whichever database
//! wrote it and imports into either.
use std::{future::Future, marker::PhantomData, pin::Pin};

use sea_orm::{
    sea_query::{Expr, ExprTrait, OnConflict, Query, SimpleExpr},
    ColumnTrait, ColumnType, ConnectionTrait, DatabaseTransaction, EntityTrait, IdenStatic,
    Iterable, ModelTrait, PrimaryKeyToColumn, QueryFilter, QueryOrder, Value,
};
use serde_json::Value as J;
use time::{format_description::well_known::Rfc3339, macros::format_description, Date, OffsetDateTime, UtcOffset};

/// A row: its columns by name.
pub type Row = serde_json::Map<String, J>;

type Fut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What went wrong with a row, named for the person reading the import's report.
#[derive(Debug)]
pub enum RowError {
    Db(sea_orm::DbErr),
    /// A value that is not of its column's type (or a column this portal does not have).
    Value { table: &'static str, column: String, problem: String },
}

impl From<sea_orm::DbErr> for RowError {
    fn from(e: sea_orm::DbErr) -> Self {
        RowError::Db(e)
    }
}

/// A table the archive carries: read the rows a filter selects, write rows back.
pub trait Rows: Send + Sync {
    fn table(&self) -> &'static str;
    /// The rows `filter` selects, ordered by primary key (so an export is reproducible).
    fn select<'a>(&'a self, db: &'a DatabaseTransaction, filter: SimpleExpr) -> Fut<'a, Result<Vec<Row>, RowError>>;
    /// Inserts `rows`; with `keep_existing`, a row whose key is already there is left as it is.
    /// Answers how many rows were written.
    fn insert<'a>(&'a self, db: &'a DatabaseTransaction, rows: &'a [Row], keep_existing: bool) -> Fut<'a, Result<u64, RowError>>;
    /// Which of `rows` already exist (by primary key), as their keys in text.
    fn existing<'a>(&'a self, db: &'a DatabaseTransaction, rows: &'a [Row]) -> Fut<'a, Result<Vec<String>, RowError>>;
    /// Checks every value of `row` against its column's type, without touching the database.
    fn check(&self, row: &Row) -> Result<(), RowError>;
}

/// [`Rows`] for the entity `E`.
pub struct Of<E>(PhantomData<fn() -> E>);

pub fn of<E: EntityTrait>() -> Box<dyn Rows>
where
    E::Model: Sync,
{
    Box::new(Of::<E>(PhantomData))
}

fn table_name<E: EntityTrait>() -> &'static str {
    // Entities name their table with a literal; `as_str` is that literal.
    E::default().table_name()
}

impl<E: EntityTrait> Of<E> {
    fn key(&self, row: &Row) -> Result<SimpleExpr, RowError> {
        let mut expr: Option<SimpleExpr> = None;
        for pk in E::PrimaryKey::iter() {
            let col = pk.into_column();
            let v = from_json::<E>(col, row.get(col.as_str()).unwrap_or(&J::Null))?;
            let one = Expr::col((E::default(), col)).eq(v);
            expr = Some(match expr {
                Some(e) => e.and(one),
                None => one,
            });
        }
        Ok(expr.expect("every entity has a primary key"))
    }

    fn key_text(row: &Row) -> String {
        E::PrimaryKey::iter()
            .map(|pk| {
                let c = pk.into_column();
                match row.get(c.as_str()) {
                    Some(J::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

impl<E: EntityTrait> Rows for Of<E>
where
    E::Model: Sync,
{
    fn table(&self) -> &'static str {
        table_name::<E>()
    }

    fn select<'a>(&'a self, db: &'a DatabaseTransaction, filter: SimpleExpr) -> Fut<'a, Result<Vec<Row>, RowError>> {
        Box::pin(async move {
            let mut q = E::find().filter(filter);
            for pk in E::PrimaryKey::iter() {
                q = q.order_by_asc(pk.into_column());
            }
            let models = q.all(db).await?;
            let mut rows = Vec::with_capacity(models.len());
            for m in models {
                let mut row = Row::new();
                for col in E::Column::iter() {
                    let v = to_json(m.get(col)).map_err(|problem| RowError::Value {
                        table: table_name::<E>(),
                        column: col.as_str().to_string(),
                        problem,
                    })?;
                    row.insert(col.as_str().to_string(), v);
                }
                rows.push(row);
            }
            Ok(rows)
        })
    }

    fn insert<'a>(&'a self, db: &'a DatabaseTransaction, rows: &'a [Row], keep_existing: bool) -> Fut<'a, Result<u64, RowError>> {
        Box::pin(async move {
            let columns: Vec<E::Column> = E::Column::iter().collect();
            // Bound values per statement stay well under SQLite's and PostgreSQL's limits.
            let per = (4000 / columns.len().max(1)).max(1);
            let mut written = 0;
            for chunk in rows.chunks(per) {
                let mut q = Query::insert();
                q.into_table(E::default()).columns(columns.iter().copied());
                for row in chunk {
                    let mut values = Vec::with_capacity(columns.len());
                    for col in &columns {
                        values.push(SimpleExpr::Value(from_json::<E>(*col, row.get(col.as_str()).unwrap_or(&J::Null))?));
                    }
                    q.values(values).map_err(|e| RowError::Value {
                        table: table_name::<E>(),
                        column: String::new(),
                        problem: e.to_string(),
                    })?;
                }
                if keep_existing {
                    q.on_conflict(OnConflict::columns(E::PrimaryKey::iter().map(|pk| pk.into_column())).do_nothing().to_owned());
                }
                let stmt = db.get_database_backend().build(&q);
                written += db.execute_raw(stmt).await?.rows_affected();
            }
            Ok(written)
        })
    }

    fn existing<'a>(&'a self, db: &'a DatabaseTransaction, rows: &'a [Row]) -> Fut<'a, Result<Vec<String>, RowError>> {
        Box::pin(async move {
            let mut found = Vec::new();
            for chunk in rows.chunks(200) {
                let mut any: Option<SimpleExpr> = None;
                for row in chunk {
                    let k = self.key(row)?;
                    any = Some(match any {
                        Some(e) => e.or(k),
                        None => k,
                    });
                }
                let Some(any) = any else { continue };
                for m in E::find().filter(any).all(db).await? {
                    let mut row = Row::new();
                    for pk in E::PrimaryKey::iter() {
                        let c = pk.into_column();
                        row.insert(c.as_str().to_string(), to_json(m.get(c)).unwrap_or(J::Null));
                    }
                    found.push(Self::key_text(&row));
                }
            }
            Ok(found)
        })
    }

    fn check(&self, row: &Row) -> Result<(), RowError> {
        for name in row.keys() {
            if !E::Column::iter().any(|c| c.as_str() == name) {
                return Err(RowError::Value {
                    table: table_name::<E>(),
                    column: name.clone(),
                    problem: "no such column in this portal".into(),
                });
            }
        }
        for col in E::Column::iter() {
            from_json::<E>(col, row.get(col.as_str()).unwrap_or(&J::Null))?;
        }
        Ok(())
    }
}

/// An instant as the archive writes it: RFC 3339 in UTC, to the microsecond.
pub fn instant_text(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let t = t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

fn to_json(v: Value) -> Result<J, String> {
    Ok(match v {
        Value::Bool(b) => b.map(J::Bool).unwrap_or(J::Null),
        Value::TinyInt(n) => n.map(J::from).unwrap_or(J::Null),
        Value::SmallInt(n) => n.map(J::from).unwrap_or(J::Null),
        Value::Int(n) => n.map(J::from).unwrap_or(J::Null),
        Value::BigInt(n) => n.map(J::from).unwrap_or(J::Null),
        Value::Float(n) => n.map(J::from).unwrap_or(J::Null),
        Value::Double(n) => n.map(J::from).unwrap_or(J::Null),
        Value::String(s) => s.map(J::String).unwrap_or(J::Null),
        Value::Uuid(u) => u.map(|u| J::String(u.to_string())).unwrap_or(J::Null),
        Value::TimeDate(d) => d.map(|d| J::String(d.to_string())).unwrap_or(J::Null),
        Value::TimeDateTimeWithTimeZone(t) => t.map(|t| J::String(instant_text(t))).unwrap_or(J::Null),
        Value::Json(j) => j.map(|j| *j).unwrap_or(J::Null),
        other => return Err(format!("a value of an unsupported type ({other:?})")),
    })
}

/// `json` as a value of `col`'s type.
fn from_json<E: EntityTrait>(col: E::Column, json: &J) -> Result<Value, RowError> {
    let def = col.def();
    let bad = |problem: String| RowError::Value { table: table_name::<E>(), column: col.as_str().to_string(), problem };
    let ty = def.get_column_type().clone();
    if json.is_null() {
        if !def.is_null() {
            return Err(bad("missing, and the column needs a value".into()));
        }
        return Ok(match ty {
            ColumnType::Uuid => Value::Uuid(None),
            ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => Value::String(None),
            ColumnType::Date => Value::TimeDate(None),
            ColumnType::TimestampWithTimeZone => Value::TimeDateTimeWithTimeZone(None),
            ColumnType::SmallInteger => Value::SmallInt(None),
            ColumnType::Integer => Value::Int(None),
            ColumnType::BigInteger => Value::BigInt(None),
            ColumnType::Boolean => Value::Bool(None),
            ColumnType::Double | ColumnType::Float => Value::Double(None),
            ColumnType::Json | ColumnType::JsonBinary => Value::Json(None),
            other => return Err(bad(format!("unsupported column type {other:?}"))),
        });
    }
    let text = || json.as_str().ok_or_else(|| bad(format!("expected text, found {json}")));
    let int = || json.as_i64().ok_or_else(|| bad(format!("expected a whole number, found {json}")));
    Ok(match ty {
        ColumnType::Uuid => Value::Uuid(Some(text()?.parse().map_err(|_| bad(format!("not a UUID: {json}")))?)),
        ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => Value::String(Some(text()?.to_string())),
        ColumnType::Date => Value::TimeDate(Some(
            Date::parse(text()?, format_description!("[year]-[month]-[day]")).map_err(|_| bad(format!("not a day: {json}")))?,
        )),
        ColumnType::TimestampWithTimeZone => Value::TimeDateTimeWithTimeZone(Some(
            OffsetDateTime::parse(text()?, &Rfc3339).map_err(|_| bad(format!("not an RFC 3339 instant: {json}")))?,
        )),
        ColumnType::SmallInteger => {
            Value::SmallInt(Some(i16::try_from(int()?).map_err(|_| bad(format!("out of range: {json}")))?))
        }
        ColumnType::Integer => Value::Int(Some(i32::try_from(int()?).map_err(|_| bad(format!("out of range: {json}")))?)),
        ColumnType::BigInteger => Value::BigInt(Some(int()?)),
        ColumnType::Boolean => Value::Bool(Some(json.as_bool().ok_or_else(|| bad(format!("expected true or false, found {json}")))?)),
        ColumnType::Double | ColumnType::Float => {
            Value::Double(Some(json.as_f64().ok_or_else(|| bad(format!("expected a number, found {json}")))?))
        }
        ColumnType::Json | ColumnType::JsonBinary => Value::Json(Some(Box::new(json.clone()))),
        other => return Err(bad(format!("unsupported column type {other:?}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn instants_are_utc_to_the_microsecond() {
        assert_eq!(instant_text(datetime!(2026-12-07 10:00:00.123456789 +08:00)), "2026-12-07T02:00:00.123456Z");
        assert_eq!(instant_text(datetime!(2026-12-07 10:00:00 UTC)), "2026-12-07T10:00:00Z");
    }

    #[test]
    fn values_keep_their_type_through_json() {
        use crate::tenancy::entity::organisation::{Column as C, Entity as O};
        let id = uuid::Uuid::new_v4();
        let j = to_json(Value::Uuid(Some(id))).unwrap();
        assert_eq!(from_json::<O>(C::Id, &j).unwrap(), Value::Uuid(Some(id)));
        assert!(matches!(from_json::<O>(C::Id, &J::from("nope")), Err(RowError::Value { .. })));
        assert!(matches!(from_json::<O>(C::Name, &J::Null), Err(RowError::Value { .. })), "a required column");
        assert_eq!(from_json::<O>(C::RegulatorId, &J::Null).unwrap(), Value::Uuid(None));
        let t = J::from("2026-12-07T02:00:00.5Z");
        assert!(matches!(from_json::<O>(C::CreatedAt, &t).unwrap(), Value::TimeDateTimeWithTimeZone(Some(_))));
        assert!(matches!(from_json::<O>(C::Active, &J::from(1)), Err(RowError::Value { .. })));
    }
}
