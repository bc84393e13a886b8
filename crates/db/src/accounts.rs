//! Staff accounts and login sessions. Passwords arrive already hashed
//! (argon2id, by the API) and session tokens as their SHA-256: this crate
//! never sees a secret.

use chrono::{DateTime, Duration, Utc};
use domain::codes::RefCode;
use domain::roles::Role;
use domain::workflow::AuditAction;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::connection::Database;
use crate::effects::{Actor, audit};
use crate::entities::{sessions, users};
use crate::error::{DbError, DbResult};
use crate::parse::{parse_code, parse_opt_code};

/// A staff account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The sector a coordinator belongs to.
    pub sector: Option<RefCode>,
    /// The sector's lead coordinator (escalations go to them).
    pub lead_coordinator: bool,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub sector: Option<RefCode>,
    pub lead_coordinator: bool,
    pub password_hash: String,
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    /// `Some(None)` removes the sector.
    pub sector: Option<Option<RefCode>>,
    pub lead_coordinator: Option<bool>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
}

/// A valid session and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: Uuid,
    pub user: User,
    pub expires_at: DateTime<Utc>,
}

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// From login, whatever happens.
    pub absolute: Duration,
    /// Without any request.
    pub idle: Duration,
}

/// `last_seen_at` is written at most this often, so that reading a session
/// does not cost a write on every request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

fn user_from_row(row: users::Model) -> DbResult<User> {
    Ok(User {
        id: row.id,
        role: parse_code(Role::parse, &row.role, "users.role")?,
        sector: parse_opt_code(RefCode::parse, row.sector_code.as_deref(), "users.sector_code")?,
        email: row.email,
        display_name: row.display_name,
        lead_coordinator: row.lead_coordinator,
        active: row.active,
        created_at: row.created_at,
    })
}

/// Accounts are found by e-mail regardless of case.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Coordinators belong to exactly one sector; nobody else belongs to one.
fn check_sector(role: Role, sector: Option<&RefCode>) -> DbResult<()> {
    match (role, sector) {
        (Role::Coordinator, None) => Err(DbError::Rejected("un coordinador debe pertenecer a un sector".into())),
        (Role::Coordinator, Some(_)) => Ok(()),
        (Role::Public | Role::Officer | Role::Supervisor | Role::Admin | Role::Auditor | Role::System, Some(_)) => {
            Err(DbError::Rejected("solo los coordinadores pertenecen a un sector".into()))
        }
        (Role::Public | Role::Officer | Role::Supervisor | Role::Admin | Role::Auditor | Role::System, None) => Ok(()),
    }
}

impl Database {
    pub async fn create_user(&self, new: NewUser, actor: &Actor, at: DateTime<Utc>) -> DbResult<User> {
        if matches!(new.role, Role::Public | Role::System) {
            return Err(DbError::Rejected("ese rol no corresponde a una cuenta de personal".into()));
        }
        check_sector(new.role, new.sector.as_ref())?;
        let tx = self.write_transaction().await?;
        if let Some(sector) = &new.sector {
            crate::reference::require_active_sectors(&tx, [sector]).await?;
        }
        let email = normalise_email(&new.email);
        if users::Entity::find().filter(users::Column::Email.eq(email.clone())).one(&tx).await?.is_some() {
            return Err(DbError::Rejected("ya existe una cuenta con ese correo electrónico".into()));
        }
        let id = Uuid::new_v4();
        users::Entity::insert(users::ActiveModel {
            id: Set(id),
            email: Set(email),
            display_name: Set(new.display_name),
            role: Set(new.role.code().to_owned()),
            sector_code: Set(new.sector.map(|s| s.as_str().to_owned())),
            lead_coordinator: Set(new.lead_coordinator),
            password_hash: Set(new.password_hash),
            active: Set(true),
            created_at: Set(at),
            updated_at: Set(at),
        })
        .exec_without_returning(&tx)
        .await?;
        audit(&tx, actor, at, None, AuditAction::UserCreated, None).await?;
        let user = users::Entity::find_by_id(id).one(&tx).await?.ok_or(DbError::Corrupt("users"))?;
        tx.commit().await?;
        user_from_row(user)
    }

    /// Applies `changes`. Deactivating an account, changing its role or its
    /// password ends its sessions in the same transaction.
    pub async fn update_user(
        &self,
        id: Uuid,
        changes: UserChanges,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> DbResult<User> {
        let tx = self.write_transaction().await?;
        let row =
            users::Entity::find_by_id(id).one(&tx).await?.ok_or(DbError::Rejected("no existe la cuenta".into()))?;
        let current = user_from_row(row)?;
        let role = changes.role.unwrap_or(current.role);
        let sector = changes.sector.clone().unwrap_or(current.sector.clone());
        check_sector(role, sector.as_ref())?;
        if let Some(sector) = &sector {
            crate::reference::require_active_sectors(&tx, [sector]).await?;
        }
        let ends_sessions = changes.active == Some(false) || role != current.role || changes.password_hash.is_some();
        let mut model = users::ActiveModel {
            id: Set(id),
            role: Set(role.code().to_owned()),
            sector_code: Set(sector.map(|s| s.as_str().to_owned())),
            updated_at: Set(at),
            ..Default::default()
        };
        if let Some(name) = changes.display_name {
            model.display_name = Set(name);
        }
        if let Some(lead) = changes.lead_coordinator {
            model.lead_coordinator = Set(lead);
        }
        if let Some(active) = changes.active {
            model.active = Set(active);
        }
        if let Some(hash) = changes.password_hash {
            model.password_hash = Set(hash);
        }
        users::Entity::update(model).exec(&tx).await?;
        if ends_sessions {
            revoke_all(&tx, id, at).await?;
        }
        audit(&tx, actor, at, None, AuditAction::UserUpdated, None).await?;
        let user = users::Entity::find_by_id(id).one(&tx).await?.ok_or(DbError::Corrupt("users"))?;
        tx.commit().await?;
        user_from_row(user)
    }

    pub async fn user(&self, id: Uuid) -> DbResult<Option<User>> {
        users::Entity::find_by_id(id).one(self.connection()).await?.map(user_from_row).transpose()
    }

    /// Accounts by id, in one statement.
    pub async fn users_by_id(&self, ids: &[Uuid]) -> DbResult<std::collections::HashMap<Uuid, User>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        users::Entity::find()
            .filter(users::Column::Id.is_in(ids.iter().copied()))
            .all(self.connection())
            .await?
            .into_iter()
            .map(|row| user_from_row(row).map(|u| (u.id, u)))
            .collect()
    }

    pub async fn users(&self) -> DbResult<Vec<User>> {
        users::Entity::find()
            .order_by_asc(users::Column::Email)
            .all(self.connection())
            .await?
            .into_iter()
            .map(user_from_row)
            .collect()
    }

    /// Whether any account exists (the first admin is created by the CLI).
    pub async fn has_users(&self) -> DbResult<bool> {
        Ok(users::Entity::find().one(self.connection()).await?.is_some())
    }

    /// The account and its password hash, for login.
    pub async fn credentials(&self, email: &str) -> DbResult<Option<(User, String)>> {
        let row = users::Entity::find()
            .filter(users::Column::Email.eq(normalise_email(email)))
            .one(self.connection())
            .await?;
        row.map(|row| {
            let hash = row.password_hash.clone();
            user_from_row(row).map(|user| (user, hash))
        })
        .transpose()
    }

    /// Records a login attempt that failed (for the audit trail).
    pub async fn record_failed_login(&self, user: Option<Uuid>, actor: &Actor, at: DateTime<Utc>) -> DbResult<()> {
        let actor = Actor { user_id: user, ..actor.clone() };
        let tx = self.write_transaction().await?;
        audit(&tx, &actor, at, None, AuditAction::LoginFailed, None).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn open_session(
        &self,
        user: &User,
        token_hash: String,
        policy: SessionPolicy,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> DbResult<Session> {
        let tx = self.write_transaction().await?;
        let id = Uuid::new_v4();
        let expires_at = at + policy.absolute;
        sessions::Entity::insert(sessions::ActiveModel {
            id: Set(id),
            user_id: Set(user.id),
            token_hash: Set(token_hash),
            created_at: Set(at),
            last_seen_at: Set(at),
            expires_at: Set(expires_at),
            revoked_at: Set(None),
        })
        .exec_without_returning(&tx)
        .await?;
        let actor = Actor { user_id: Some(user.id), role: user.role, ..actor.clone() };
        audit(&tx, &actor, at, None, AuditAction::LoggedIn, None).await?;
        tx.commit().await?;
        Ok(Session { id, user: user.clone(), expires_at })
    }

    /// The session behind a token hash, if it is still valid at `at`:
    /// not revoked, not past its absolute expiry nor idle too long, and its
    /// account active.
    pub async fn session(
        &self,
        token_hash: &str,
        policy: SessionPolicy,
        at: DateTime<Utc>,
    ) -> DbResult<Option<Session>> {
        let conn = self.connection();
        let Some(session) =
            sessions::Entity::find().filter(sessions::Column::TokenHash.eq(token_hash)).one(conn).await?
        else {
            return Ok(None);
        };
        let valid = session.revoked_at.is_none() && session.expires_at > at && session.last_seen_at + policy.idle > at;
        if !valid {
            return Ok(None);
        }
        let Some(user) = users::Entity::find_by_id(session.user_id).one(conn).await? else {
            return Ok(None);
        };
        let user = user_from_row(user)?;
        if !user.active {
            return Ok(None);
        }
        if at - session.last_seen_at > TOUCH_EVERY {
            sessions::Entity::update_many()
                .col_expr(sessions::Column::LastSeenAt, Expr::value(at))
                .filter(sessions::Column::Id.eq(session.id))
                .exec(conn)
                .await?;
        }
        Ok(Some(Session { id: session.id, user, expires_at: session.expires_at }))
    }

    /// Ends one session (logout).
    pub async fn revoke_session(&self, session: &Session, actor: &Actor, at: DateTime<Utc>) -> DbResult<()> {
        let tx = self.write_transaction().await?;
        sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(Some(at)))
            .filter(sessions::Column::Id.eq(session.id))
            .exec(&tx)
            .await?;
        audit(&tx, actor, at, None, AuditAction::LoggedOut, None).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn revoke_all(conn: &impl sea_orm::ConnectionTrait, user: Uuid, at: DateTime<Utc>) -> DbResult<()> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(Some(at)))
        .filter(sessions::Column::UserId.eq(user))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}
