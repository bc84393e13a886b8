//! Tokens apps submit requests with over OpenRosa (ODK Collect, Tella):
//! issued, named and revoked by admins, each issue and revocation audited.
//! Only a keyed hash of a token is kept; the token is shown once.

use chrono::{DateTime, Utc};
use domain::categories::Channel;
use domain::workflow::AuditAction;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::connection::Database;
use crate::effects::{Actor, audit};
use crate::entities::{intake_form_keys, intake_tokens};
use crate::error::{DbError, DbResult};
use crate::parse::parse_code;
use crate::sealed::{INTAKE_FORM_KEY, open, seal};

/// A token as admins see it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeToken {
    pub id: Uuid,
    pub name: String,
    /// The channel its submissions are recorded as.
    pub app: Channel,
    pub issued_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key pair of the request form.
#[derive(Clone)]
pub struct IntakeFormKey {
    pub id: Uuid,
    /// SubjectPublicKeyInfo DER in base64, as the form carries it.
    pub public_key: String,
    /// PKCS#8 DER.
    pub private_key: Vec<u8>,
    pub created_at: DateTime<Utc>,
}

// The private key is never printed.
impl std::fmt::Debug for IntakeFormKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntakeFormKey").field("id", &self.id).finish_non_exhaustive()
    }
}

fn token(row: intake_tokens::Model) -> DbResult<IntakeToken> {
    Ok(IntakeToken {
        id: row.id,
        name: row.name,
        app: parse_code(Channel::parse, &row.app, "intake_tokens.app")?,
        issued_at: row.issued_at,
        revoked_at: row.revoked_at,
    })
}

impl Database {
    /// Records a new token by its keyed hash.
    pub async fn issue_intake_token(
        &self,
        name: &str,
        app: Channel,
        token_hash: &str,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> DbResult<IntakeToken> {
        if !matches!(app, Channel::OdkCollect | Channel::Tella) {
            return Err(DbError::Rejected("los tokens son para las aplicaciones ODK Collect y Tella".into()));
        }
        let tx = self.write_transaction().await?;
        let row = intake_tokens::ActiveModel {
            id: Set(Uuid::new_v4()),
            name: Set(name.to_owned()),
            app: Set(app.code().to_owned()),
            token_hash: Set(token_hash.to_owned()),
            issued_at: Set(at),
            issued_by: Set(actor.user_id),
            revoked_at: Set(None),
        };
        let row = intake_tokens::Entity::insert(row).exec_with_returning(&tx).await?;
        audit(&tx, actor, at, None, AuditAction::IntakeTokenIssued, None).await?;
        tx.commit().await?;
        token(row)
    }

    /// Every token, the newest first.
    pub async fn intake_tokens(&self) -> DbResult<Vec<IntakeToken>> {
        let rows =
            intake_tokens::Entity::find().order_by_desc(intake_tokens::Column::IssuedAt).all(self.connection()).await?;
        rows.into_iter().map(token).collect()
    }

    /// Revokes token `id` at once: its next submission is refused.
    pub async fn revoke_intake_token(&self, id: Uuid, actor: &Actor, at: DateTime<Utc>) -> DbResult<IntakeToken> {
        let tx = self.write_transaction().await?;
        let row = intake_tokens::Entity::find_by_id(id).one(&tx).await?;
        let mut row = row.ok_or_else(|| DbError::Rejected("no existe ese token".into()))?;
        if row.revoked_at.is_none() {
            intake_tokens::Entity::update_many()
                .col_expr(intake_tokens::Column::RevokedAt, sea_orm::sea_query::Expr::value(at))
                .filter(intake_tokens::Column::Id.eq(id))
                .exec(&tx)
                .await?;
            audit(&tx, actor, at, None, AuditAction::IntakeTokenRevoked, None).await?;
            row.revoked_at = Some(at);
        }
        tx.commit().await?;
        token(row)
    }

    /// The form's key pairs, the newest (the one phones encrypt to) first,
    /// their private keys opened.
    pub async fn intake_form_keys(&self) -> DbResult<Vec<IntakeFormKey>> {
        let keys = self.keys()?;
        let rows = intake_form_keys::Entity::find()
            .order_by_desc(intake_form_keys::Column::Generation)
            .all(self.connection())
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(IntakeFormKey {
                    id: row.id,
                    public_key: row.public_key,
                    private_key: open(&keys, INTAKE_FORM_KEY, row.id, &row.private_key)?,
                    created_at: row.created_at,
                })
            })
            .collect()
    }

    /// Adds a key pair, which becomes the one phones encrypt to (the older
    /// ones keep decrypting).
    pub async fn add_intake_form_key(&self, public_key: &str, private_key: &[u8], at: DateTime<Utc>) -> DbResult<()> {
        let tx = self.write_transaction().await?;
        let id = Uuid::new_v4();
        let keys = self.sealing_keys(&tx).await?;
        let newest: Option<Option<i32>> = intake_form_keys::Entity::find()
            .select_only()
            .column_as(intake_form_keys::Column::Generation.max(), "newest")
            .into_tuple()
            .one(&tx)
            .await?;
        let row = intake_form_keys::ActiveModel {
            id: Set(id),
            generation: Set(newest.flatten().unwrap_or(0) + 1),
            public_key: Set(public_key.to_owned()),
            private_key: Set(seal(&keys, INTAKE_FORM_KEY, id, private_key)?),
            created_at: Set(at),
        };
        intake_form_keys::Entity::insert(row).exec_without_returning(&tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The token whose keyed hash is `token_hash`, unless revoked.
    pub async fn active_intake_token(&self, token_hash: &str) -> DbResult<Option<IntakeToken>> {
        let row = intake_tokens::Entity::find()
            .filter(intake_tokens::Column::TokenHash.eq(token_hash))
            .filter(intake_tokens::Column::RevokedAt.is_null())
            .one(self.connection())
            .await?;
        row.map(token).transpose()
    }
}
