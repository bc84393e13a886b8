//! Many rows in few statements, within the databases' limits.

use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Iterable as _};

use crate::error::DbResult;

/// Bound parameters per statement: SQLite allows 32 766, PostgreSQL 65 535.
pub(crate) const MAX_PARAMETERS: usize = 30_000;

/// How many rows of entity `E` one statement may carry.
pub(crate) fn rows_per_statement<E: EntityTrait>() -> usize {
    (MAX_PARAMETERS / E::Column::iter().count().max(1)).max(1)
}

/// Inserts `rows` in as few statements as the parameter limits allow.
pub(crate) async fn insert_all<A>(conn: &impl ConnectionTrait, rows: Vec<A>) -> DbResult<()>
where
    A: ActiveModelTrait + Send,
{
    let per_statement = rows_per_statement::<A::Entity>();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
        <A::Entity as EntityTrait>::insert_many(chunk).exec_without_returning(conn).await?;
    }
    Ok(())
}
