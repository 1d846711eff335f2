//! What every migration builds its tables with: named foreign keys, named indexes, and dropping
//! tables in the order given (a later module's migration uses the same three).
use sea_orm_migration::prelude::*;

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
