//! Peru's 196 provinces and 1,893 districts by INEI ubigeo code, beside the
//! 25 departments, so a place can be given as precisely as the requester
//! knows it and checked against what exists. The list is
//! `migrations/data/ubigeo.tsv`, written by `tools/ubigeo/generate.py`
//! from INEI's 2025 directory of municipalities (see there for where it
//! comes from); it is compiled in, so migrating needs no network.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::seed::insert_rows;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000001_provinces_and_districts"
    }
}

const UBIGEO: &str = include_str!("../data/ubigeo.tsv");

/// Rows per INSERT: well under SQLite's limit on bound parameters.
const BATCH: usize = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("provinces")
                .col(string_len("code", 4).primary_key())
                .col(string_len("department_code", 2))
                .col(string("name"))
                .foreign_key(ForeignKey::create().from("provinces", "department_code").to("departments", "code"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("districts")
                .col(string_len("code", 6).primary_key())
                .col(string_len("province_code", 4))
                .col(string("name"))
                .foreign_key(ForeignKey::create().from("districts", "province_code").to("provinces", "code"))
                .to_owned(),
        )
        .await?;
        for (table, parent) in [("provinces", "department_code"), ("districts", "province_code")] {
            m.create_index(Index::create().name(format!("{table}_by_{parent}")).table(table).col(parent).to_owned())
                .await?;
        }

        let (mut provinces, mut districts) = (Vec::new(), Vec::new());
        for line in UBIGEO.lines().skip(1) {
            let (code, name) =
                line.split_once('\t').ok_or_else(|| DbErr::Migration(format!("ubigeo.tsv: bad line {line}")))?;
            let row = vec![code.into(), code[..code.len() - 2].into(), name.into()];
            match code.len() {
                4 => provinces.push(row),
                6 => districts.push(row),
                _ => return Err(DbErr::Migration(format!("ubigeo.tsv: bad code {code}"))),
            }
        }
        for (table, parent, rows) in
            [("provinces", "department_code", provinces), ("districts", "province_code", districts)]
        {
            let mut rows = rows.into_iter().peekable();
            while rows.peek().is_some() {
                insert_rows(m, table, &["code", parent, "name"], rows.by_ref().take(BATCH).collect()).await?;
            }
        }
        Ok(())
    }
}
