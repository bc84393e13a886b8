//! Evidence files (decision 0013): a file's record and its content in
//! sealed chunks, in the database so that every instance sees every file
//! and backups hold them. A file is `UPLOADING` until its last chunk is
//! in and its checks pass, then `COMPLETE` (and on the case's history).
//! Apps that submit over OpenRosa do so with a token an admin issued.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000001_evidence_files"
    }
}

fn fk(from_table: &'static str, from_col: &'static str, to_table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(from_table, from_col)
        .to(to_table, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("evidence_files")
                .col(uuid("id").primary_key())
                .col(uuid("case_id"))
                // Its number among the case's files, given when it completes.
                .col(integer_null("number"))
                .col(string("state"))
                .col(big_integer("declared_size"))
                .col(big_integer("received_size").default(0))
                // Found from the content, and the SHA-256 (hex) of the
                // content, when it completes.
                .col(string_null("kind"))
                .col(string_null("sha256"))
                // The file's name as sent: sealed, it may name a person.
                .col(text_null("given_name"))
                // Who sends it: the requester (no user) or a staff member.
                .col(string("sender_role"))
                .col(uuid_null("sender_user_id"))
                // A file an app sent with a submission: a keyed digest of
                // the submission's instance id and the file's name, so the
                // same file sent again (apps resend) is received once.
                .col(string_null("source_key"))
                .col(timestamp_with_time_zone("started_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("completed_at"))
                .foreign_key(&mut fk("evidence_files", "case_id", "cases"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_evidence_files_case").table("evidence_files").col("case_id").to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_evidence_files_case_number")
                .table("evidence_files")
                .col("case_id")
                .col("number")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_evidence_files_case_source")
                .table("evidence_files")
                .col("case_id")
                .col("source_key")
                .unique()
                .to_owned(),
        )
        .await?;
        // Housekeeping finds the unfinished uploads that expired.
        m.create_index(
            Index::create()
                .name("ix_evidence_files_expiry")
                .table("evidence_files")
                .col("state")
                .col("expires_at")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("evidence_chunks")
                .col(uuid("id").primary_key())
                .col(uuid("file_id"))
                // The case and the chunk's number are bound into the
                // sealed bytes' associated data, with the file.
                .col(uuid("case_id"))
                .col(integer("number"))
                .col(integer("size"))
                // The key the bytes are sealed under (the envelope of the
                // text columns holds it; binary values keep it beside).
                .col(integer("key_id"))
                .col(blob("sealed"))
                .foreign_key(&mut fk("evidence_chunks", "file_id", "evidence_files"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_evidence_chunks_file_number")
                .table("evidence_chunks")
                .col("file_id")
                .col("number")
                .unique()
                .to_owned(),
        )
        .await?;
        // Rotation and counting per key.
        m.create_index(
            Index::create().name("ix_evidence_chunks_key").table("evidence_chunks").col("key_id").to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("intake_tokens")
                .col(uuid("id").primary_key())
                .col(string("name"))
                // ODK_COLLECT or TELLA: the channel its submissions come by.
                .col(string("app"))
                // The token itself is shown once; only a keyed hash is kept.
                .col(string("token_hash").unique_key())
                .col(timestamp_with_time_zone("issued_at"))
                .col(uuid_null("issued_by"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .to_owned(),
        )
        .await?;
        // The form's key pairs: ODK Collect encrypts each submission to the
        // newest one's public key; older ones stay to decrypt what phones
        // filled before a rotation and send later.
        m.create_table(
            Table::create()
                .table("intake_form_keys")
                .col(uuid("id").primary_key())
                // 1, 2, …: the highest is the key phones encrypt to.
                .col(integer("generation").unique_key())
                // SubjectPublicKeyInfo DER, base64: what the form carries.
                .col(text("public_key"))
                // PKCS#8 DER, sealed with the keyring.
                .col(text("private_key"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await
    }
}
