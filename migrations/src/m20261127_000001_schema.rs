//! The first schema: reference data, the calendar, cases with their
//! measures and deadlines, the notification outbox and the audit trail.
//!
//! Columns that statistics and work lists filter on are kept in clear
//! (department, states, dates, categories); what identifies or locates a
//! person lives in the `*_details` / `payload` text columns, which the
//! confidentiality work encrypts.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000001_schema"
    }
}

fn fk(
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
    to_col: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn index(table: &'static str, name: &str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(format!("ix_{table}_{name}")).table(table);
    for column in columns {
        index.col(*column);
    }
    if unique {
        index.unique();
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // ---- reference data
        m.create_table(
            Table::create()
                .table("departments")
                .col(string_len("code", 2).primary_key())
                .col(string("name"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sectors")
                .col(string("code").primary_key())
                .col(string("name"))
                .col(boolean("active").default(true))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("measure_types")
                .col(string("code").primary_key())
                .col(string("name"))
                .col(string("kind"))
                .col(string("default_sector_code"))
                .col(boolean("active").default(true))
                .foreign_key(&mut fk("measure_types", "default_sector_code", "sectors", "code"))
                .to_owned(),
        )
        .await?;

        // ---- the working-day calendar
        m.create_table(
            Table::create()
                .table("holiday_rules")
                .col(pk_auto("id"))
                .col(string("name"))
                .col(integer_null("month"))
                .col(integer_null("day"))
                .col(integer_null("easter_offset"))
                .col(integer_null("from_year"))
                .col(integer_null("until_year"))
                .col(string("legal_basis"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("non_working_days")
                .col(pk_auto("id"))
                .col(date("day"))
                .col(string_len_null("department_code", 2))
                .col(string("legal_basis"))
                .col(string_null("source"))
                .foreign_key(&mut fk("non_working_days", "department_code", "departments", "code"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("non_working_days", "day", &["day"], false)).await?;
        m.create_table(
            Table::create()
                .table("suspension_periods")
                .col(pk_auto("id"))
                .col(date("first_day"))
                .col(date("last_day"))
                .col(string_len_null("department_code", 2))
                .col(string("legal_basis"))
                .col(string_null("source"))
                .foreign_key(&mut fk("suspension_periods", "department_code", "departments", "code"))
                .to_owned(),
        )
        .await?;
        // One row: the version every calendar change bumps, so deadlines can
        // say which calendar they were computed with.
        m.create_table(
            Table::create()
                .table("calendar_state")
                .col(integer("id").primary_key())
                .col(big_integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("deadline_rules")
                .col(pk_auto("id"))
                .col(string("kind"))
                .col(string_null("track"))
                .col(integer("amount"))
                .col(string("unit"))
                .col(string("start_event"))
                .col(string("owner"))
                .to_owned(),
        )
        .await?;

        // ---- cases
        m.create_table(
            Table::create()
                .table("file_number_counters")
                .col(integer("year").primary_key())
                .col(big_integer("last_number"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("cases")
                .col(uuid("id").primary_key())
                .col(string_uniq("file_number"))
                .col(string("status"))
                .col(string("channel"))
                .col(string_len("department_code", 2))
                .col(string_len_null("province_code", 4))
                .col(date("received_on"))
                .col(timestamp_with_time_zone("received_at"))
                .col(date_null("admitted_on"))
                .col(string_null("track"))
                .col(string_null("risk_level"))
                .col(string("defender_category"))
                .col(string_null("aggressor_type"))
                .col(string("language"))
                .col(boolean("interpreter_needed"))
                .col(string("consent_status"))
                .col(boolean("is_collective"))
                .col(integer("beneficiary_count"))
                .col(date_null("information_requested_on"))
                .col(string_null("information_resume_status"))
                .col(string_null("resolution_act_number"))
                .col(date_null("resolution_act_date"))
                // The request as filed (identities, contact, exact place,
                // facts, evidence): sensitive.
                .col(text("request_details"))
                // Optimistic locking: each command checks and bumps it.
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("cases", "department_code", "departments", "code"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("cases", "status_department", &["status", "department_code"], false)).await?;
        m.create_index(index("cases", "received_on", &["received_on"], false)).await?;
        m.create_table(
            Table::create()
                .table("case_aggression_types")
                .col(uuid("case_id"))
                .col(string("aggression_type"))
                .primary_key(Index::create().col("case_id").col("aggression_type"))
                .foreign_key(&mut fk("case_aggression_types", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        // What statistics need about each person or collective; who they
        // are stays in `cases.request_details`.
        m.create_table(
            Table::create()
                .table("beneficiaries")
                .col(uuid("case_id"))
                .col(integer("position"))
                .col(string("kind"))
                .col(string_null("collective_kind"))
                .col(string_null("gender"))
                .primary_key(Index::create().col("case_id").col("position"))
                .foreign_key(&mut fk("beneficiaries", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        // The file's history: each command with what it said (question,
        // criteria and notes, risk summary, acts). Sensitive payload.
        m.create_table(
            Table::create()
                .table("case_events")
                .col(uuid("id").primary_key())
                .col(uuid("case_id"))
                .col(integer("seq"))
                .col(string("action"))
                .col(integer_null("measure_no"))
                .col(date("occurred_on"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(uuid_null("actor_id"))
                .col(text("payload"))
                .foreign_key(&mut fk("case_events", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("case_events", "case_seq", &["case_id", "seq"], true)).await?;
        m.create_table(
            Table::create()
                .table("measures")
                .col(uuid("id").primary_key())
                .col(uuid("case_id"))
                .col(integer("measure_no"))
                .col(string("measure_type_code"))
                .col(string("sector_code"))
                .col(string("status"))
                .col(date_null("notified_on"))
                .col(date_null("extended_until"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("measures", "case_id", "cases", "id"))
                .foreign_key(&mut fk("measures", "measure_type_code", "measure_types", "code"))
                .foreign_key(&mut fk("measures", "sector_code", "sectors", "code"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("measures", "case_no", &["case_id", "measure_no"], true)).await?;
        m.create_index(index("measures", "sector_status", &["sector_code", "status"], false)).await?;

        // ---- deadlines
        m.create_table(
            Table::create()
                .table("deadlines")
                .col(uuid("id").primary_key())
                .col(uuid("case_id"))
                // `DECISION`, `MEASURE_IMPLEMENTATION:2`…: unique per case.
                .col(string("deadline_key"))
                .col(string("kind"))
                .col(integer_null("measure_no"))
                .col(string_null("rule_track"))
                .col(integer("rule_amount"))
                .col(string("rule_unit"))
                .col(string("rule_start_event"))
                .col(string("rule_owner"))
                .col(date("start_on"))
                .col(integer("suspended_working_days"))
                .col(date("due_on"))
                .col(integer("version"))
                .col(big_integer("calendar_version"))
                .col(string("status"))
                // Suspended since / met, lapsed or cancelled on.
                .col(date_null("status_on"))
                .col(boolean_null("on_time"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("deadlines", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("deadlines", "case_key", &["case_id", "deadline_key"], true)).await?;
        m.create_index(index("deadlines", "status_due", &["status", "due_on"], false)).await?;
        m.create_table(
            Table::create()
                .table("deadline_changes")
                .col(big_pk_auto("id"))
                .col(uuid("deadline_id"))
                .col(string("change"))
                .col(date_null("previous_due"))
                .col(date("due_on"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(&mut fk("deadline_changes", "deadline_id", "deadlines", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("deadline_changes", "deadline", &["deadline_id"], false)).await?;

        // ---- outbox: notifications planned in the transaction that causes them
        m.create_table(
            Table::create()
                .table("outbox")
                .col(uuid("id").primary_key())
                .col(uuid_null("case_id"))
                // Planning the same notification twice is a no-op.
                .col(string_uniq("dedupe_key"))
                .col(string("audience"))
                .col(string_null("sector_code"))
                .col(string("topic"))
                .col(string_null("topic_ref"))
                .col(string("status"))
                .col(timestamp_with_time_zone("not_before"))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone_null("lease_until"))
                .col(string_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .foreign_key(&mut fk("outbox", "case_id", "cases", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("outbox", "status_not_before", &["status", "not_before"], false)).await?;

        // ---- audit trail (append-only; no foreign key so it outlives anything)
        m.create_table(
            Table::create()
                .table("audit_events")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(uuid_null("actor_id"))
                .col(string("actor_role"))
                .col(uuid_null("case_id"))
                .col(string("action"))
                .col(integer_null("measure_no"))
                .col(string_null("request_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_events", "case", &["case_id"], false)).await?;
        Ok(())
    }
}
