//! A small helper to insert literal rows in a migration.

use sea_orm_migration::prelude::*;

/// Inserts `rows` into `table`; each row lists values in `columns` order.
pub(crate) async fn insert_rows(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: &[&'static str],
    rows: Vec<Vec<SimpleExpr>>,
) -> Result<(), DbErr> {
    let mut insert = Query::insert();
    insert.into_table(table).columns(columns.iter().copied());
    for row in rows {
        insert.values(row).map_err(|e| DbErr::Migration(format!("seed row for {table}: {e}")))?;
    }
    manager.exec_stmt(insert).await
}
