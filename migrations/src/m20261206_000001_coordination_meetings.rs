//! Coordination meetings (issue 19, the seed's §59–60): a meeting's day,
//! the sectors present, the other bodies (sealed, in `details`) and the
//! cases it discussed; each agreement a case's, with its responsible sector
//! and the day it was reported done (what was agreed stays sealed in the
//! case's history); an agreement's deadline names it, as a measure's names
//! the measure, and is counted by a rule of its own.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::seed::insert_rows;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000001_coordination_meetings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("meetings")
                .col(uuid("id").primary_key())
                .col(date("held_on"))
                // Sealed JSON: the other bodies present.
                .col(text("details"))
                .col(uuid("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("meetings_held_on").table("meetings").col("held_on").to_owned()).await?;
        m.create_table(
            Table::create()
                .table("meeting_sectors")
                .col(uuid("meeting_id"))
                .col(string("sector_code"))
                .primary_key(Index::create().col("meeting_id").col("sector_code"))
                .foreign_key(ForeignKey::create().from("meeting_sectors", "meeting_id").to("meetings", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("meeting_sectors_sector").table("meeting_sectors").col("sector_code").to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("meeting_cases")
                .col(uuid("meeting_id"))
                .col(uuid("case_id"))
                .primary_key(Index::create().col("meeting_id").col("case_id"))
                .foreign_key(ForeignKey::create().from("meeting_cases", "meeting_id").to("meetings", "id"))
                .foreign_key(ForeignKey::create().from("meeting_cases", "case_id").to("cases", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("meeting_cases_case").table("meeting_cases").col("case_id").to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table("agreements")
                .col(uuid("case_id"))
                .col(integer("agreement_no"))
                .col(uuid("meeting_id"))
                .col(string("sector_code"))
                .col(date("agreed_on"))
                .col(date_null("done_on"))
                .primary_key(Index::create().col("case_id").col("agreement_no"))
                .foreign_key(ForeignKey::create().from("agreements", "case_id").to("cases", "id"))
                .foreign_key(ForeignKey::create().from("agreements", "meeting_id").to("meetings", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("agreements_meeting").table("agreements").col("meeting_id").to_owned())
            .await?;
        m.alter_table(Table::alter().table("deadlines").add_column(integer_null("agreement_no")).to_owned()).await?;
        // Within 15 working days of the meeting, unless it gave another period.
        let rule = vec![
            "AGREEMENT".into(),
            Option::<String>::None.into(),
            15.into(),
            "WORKING_DAYS".into(),
            "COORDINATION_MEETING".into(),
            "COORDINATOR".into(),
        ];
        let columns = ["kind", "track", "amount", "unit", "start_event", "owner"];
        insert_rows(m, "deadline_rules", &columns, vec![rule]).await
    }
}
