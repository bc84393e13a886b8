//! The registry of risk situations: what statistics count that the case
//! row did not keep in clear. The outcome of the admissibility evaluation
//! and the day it was decided (the event that records it is sealed), and
//! which criteria were met (their notes stay sealed in the event).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000005_registry"
    }
}

async fn add_column(m: &SchemaManager<'_>, column: ColumnDef) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table("cases").add_column(column).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // ADMIT, NOT_ADMIT or REFER.
        add_column(m, string_null("admissibility_outcome")).await?;
        add_column(m, date_null("admissibility_decided_on")).await?;
        m.create_table(
            Table::create()
                .table("case_criteria")
                .col(uuid("case_id"))
                // PERSON_IDENTIFIED_AND_LOCATED, CONSENT, FACTS_RELATED…
                .col(string("criterion"))
                .col(boolean("met"))
                .primary_key(Index::create().col("case_id").col("criterion"))
                .foreign_key(ForeignKey::create().from("case_criteria", "case_id").to("cases", "id"))
                .to_owned(),
        )
        .await?;
        // Cases evaluated before: the outcome follows from where they stand
        // (criteria were only kept sealed and cannot be recovered here).
        for (outcome, condition) in [
            ("ADMIT", Expr::col("admitted_on").is_not_null()),
            ("NOT_ADMIT", Expr::col("status").eq("NOT_ADMITTED")),
            ("REFER", Expr::col("status").eq("REFERRED")),
        ] {
            m.exec_stmt(
                Query::update()
                    .table("cases")
                    .value("admissibility_outcome", outcome)
                    .and_where(condition)
                    .and_where(Expr::col("admissibility_outcome").is_null())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
