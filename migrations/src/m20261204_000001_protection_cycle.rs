//! The protection cycle after the resolution (issue 19): measures reviewed
//! by a rule per type and track, incidents that ask for the risk to be
//! assessed again. Rules gain the type of measure they are for; deadlines
//! keep it with the rule they were set with; cases keep the day their risk
//! was last assessed (taken from their history for the cases there are);
//! incidents keep their aggression types for the registry.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::seed::insert_rows;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000001_protection_cycle"
    }
}

type Rule = (&'static str, Option<&'static str>, Option<&'static str>, i32, &'static str);

/// Kind, track (None: both), measure type (None: every type), working
/// days, start event; all owed by the officer (docs/plans/issue-19.md).
const RULES: [Rule; 5] = [
    ("MEASURE_REVIEW", Some("ORDINARY"), None, 120, "MEASURE_ACT"),
    ("MEASURE_REVIEW", Some("URGENT"), None, 60, "MEASURE_ACT"),
    ("MEASURE_REVIEW", None, Some("POLICE_PROTECTION"), 20, "MEASURE_ACT"),
    ("REASSESSMENT", Some("ORDINARY"), None, 5, "INCIDENT_REPORT"),
    ("REASSESSMENT", Some("URGENT"), None, 2, "INCIDENT_REPORT"),
];

async fn add_column(m: &SchemaManager<'_>, table: &'static str, column: ColumnDef) -> Result<(), DbErr> {
    // SQLite takes one column per ALTER TABLE.
    m.alter_table(Table::alter().table(table).add_column(column).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add_column(m, "deadline_rules", string_null("measure_type_code")).await?;
        add_column(m, "deadlines", string_null("rule_measure_type")).await?;
        add_column(m, "cases", date_null("risk_assessed_on")).await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE cases SET risk_assessed_on = (SELECT MAX(e.occurred_on) FROM case_events e \
                 WHERE e.case_id = cases.id AND e.action = 'RISK_ASSESSED')",
            )
            .await?;
        // What the registry counts of each incident reported after the
        // request: its aggression types, codes only (what happened stays
        // sealed in the case's history).
        m.create_table(
            Table::create()
                .table("incident_aggression_types")
                .col(uuid("incident_id"))
                .col(uuid("case_id"))
                .col(string("aggression_type"))
                .primary_key(Index::create().col("incident_id").col("aggression_type"))
                .foreign_key(ForeignKey::create().from("incident_aggression_types", "case_id").to("cases", "id"))
                .to_owned(),
        )
        .await?;
        let rows = RULES
            .iter()
            .map(|(kind, track, measure_type, amount, start)| {
                vec![
                    (*kind).into(),
                    track.map(str::to_owned).into(),
                    measure_type.map(str::to_owned).into(),
                    (*amount).into(),
                    "WORKING_DAYS".into(),
                    (*start).into(),
                    "OFFICER".into(),
                ]
            })
            .collect();
        let columns = ["kind", "track", "measure_type_code", "amount", "unit", "start_event", "owner"];
        insert_rows(m, "deadline_rules", &columns, rows).await
    }
}
