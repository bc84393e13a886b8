//! Protection plans and the road to justice (issue 19): the day a case's
//! plan goal was set (the goal stays sealed in its history), the day the
//! officer verified each measure the sector reported carried out, with the
//! verification's deadline rules; and each complaint filed with the Public
//! Prosecutor, with the day it was filed and the stage it reached (its
//! office and file number stay sealed in the history).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::seed::insert_rows;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000001_plans_and_complaints"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for (table, column) in [("cases", "plan_set_on"), ("measures", "verified_on")] {
            m.alter_table(Table::alter().table(table).add_column(date_null(column)).to_owned()).await?;
        }
        // Within 10 working days of the sector's report, 5 when urgent.
        let rules = [("ORDINARY", 10), ("URGENT", 5)]
            .into_iter()
            .map(|(track, amount)| {
                vec![
                    "MEASURE_VERIFICATION".into(),
                    track.into(),
                    amount.into(),
                    "WORKING_DAYS".into(),
                    "IMPLEMENTATION_REPORT".into(),
                    "OFFICER".into(),
                ]
            })
            .collect();
        let columns = ["kind", "track", "amount", "unit", "start_event", "owner"];
        insert_rows(m, "deadline_rules", &columns, rules).await?;
        m.create_table(
            Table::create()
                .table("complaints")
                .col(uuid("case_id"))
                .col(integer("complaint_no"))
                .col(date("filed_on"))
                // FILED, PRELIMINARY_INQUIRY, … DISMISSED.
                .col(string("status"))
                .col(date("status_on"))
                .primary_key(Index::create().col("case_id").col("complaint_no"))
                .foreign_key(ForeignKey::create().from("complaints", "case_id").to("cases", "id"))
                .to_owned(),
        )
        .await
    }
}
