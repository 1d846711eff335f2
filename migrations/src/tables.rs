//! What every migration builds its tables with: named foreign keys, named indexes, and dropping
//! tables in the order given, and tables declared as a list of typed columns (a later module's
//! migration uses the same).
use sea_orm_migration::{prelude::*, schema::*};

/// A named foreign key from `(table, column)` to `(table, column)`.
pub fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(name).from(from.0, from.1).to(to.0, to.1).to_owned()
}

/// Creates a named index over `cols` of `table`, unique if asked.
pub async fn index<C: IntoIden>(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: impl IntoIterator<Item = C>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(c.into_iden());
    }
    if unique {
        idx.unique();
    }
    m.create_index(idx.to_owned()).await
}

/// Drops these tables, in this order (children before the tables they refer to).
pub async fn drop_tables(m: &SchemaManager<'_>, tables: impl IntoIterator<Item = DynIden>) -> Result<(), DbErr> {
    for t in tables {
        m.drop_table(Table::drop().table(t).to_owned()).await?;
    }
    Ok(())
}

/// A column's type, as the modules' tables use them.
#[derive(Clone, Copy)]
pub enum Ty {
    Pk,
    Id,
    IdNull,
    Str(u32),
    StrNull(u32),
    Text,
    Day,
    DayNull,
    Ts,
    TsNull,
    Small,
    Int,
    Big,
    Flag,
}

fn column(name: &'static str, ty: Ty) -> ColumnDef {
    let n = Alias::new(name);
    match ty {
        Ty::Pk => pk_uuid(n),
        Ty::Id => uuid(n),
        Ty::IdNull => uuid_null(n),
        Ty::Str(len) => string_len(n, len),
        Ty::StrNull(len) => string_len_null(n, len),
        Ty::Text => text(n),
        Ty::Day => date(n),
        Ty::DayNull => date_null(n),
        Ty::Ts => timestamp_with_time_zone(n),
        Ty::TsNull => timestamp_with_time_zone_null(n),
        Ty::Small => small_integer(n),
        Ty::Int => integer(n),
        Ty::Big => big_integer(n),
        Ty::Flag => boolean(n),
    }
}

/// A table of `columns`, each `(column, table)` of `refs` a named foreign key to that table's id.
pub fn table(
    name: &'static str,
    columns: &[(&'static str, Ty)],
    refs: &[(&'static str, &'static str)],
) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new(name));
    for (c, ty) in columns {
        t.col(column(c, *ty));
    }
    for (c, to) in refs {
        t.foreign_key(
            ForeignKey::create()
                .name(format!("fk_{name}_{c}"))
                .from(Alias::new(name), Alias::new(*c))
                .to(Alias::new(*to), Alias::new("id")),
        );
    }
    t.to_owned()
}

/// `t` keyed by `columns` together (a link table, or one row per incident and milestone).
pub fn keyed(mut t: TableCreateStatement, columns: &[&'static str]) -> TableCreateStatement {
    let mut key = Index::create();
    for c in columns {
        key.col(Alias::new(*c));
    }
    t.primary_key(&mut key);
    t
}

/// Makes these tables append-only: the database refuses UPDATE and DELETE on them, as it does on
/// the audit trail, so a recorded fact cannot be rewritten by any path.
pub async fn append_only(m: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::DbBackend;
    let db = m.get_connection();
    for t in tables {
        let statements = match m.get_database_backend() {
            DbBackend::Postgres => vec![
                format!(
                    "CREATE FUNCTION {t}_append_only() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION '{t} is append-only'; END $$"
                ),
                format!(
                    "CREATE TRIGGER {t}_no_update BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION {t}_append_only()"
                ),
            ],
            _ => vec![
                format!("CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END"),
                format!("CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END"),
            ],
        };
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
    }
    Ok(())
}

/// Undoes [`append_only`] (SQLite's triggers go with their tables).
pub async fn drop_append_only(m: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::DbBackend;
    if m.get_database_backend() == DbBackend::Postgres {
        let db = m.get_connection();
        for t in tables {
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}_no_update ON {t}")).await?;
            db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {t}_append_only()")).await?;
        }
    }
    Ok(())
}
