//! Staff accounts and login sessions. Passwords arrive already hashed
//! (argon2id, by the API) and session tokens as their SHA-256: this crate
//! never sees a secret.

use chrono::{DateTime, Duration, Utc};
use domain::codes::RefCode;
use domain::roles::Role;
use domain::workflow::AuditAction;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::connection::Database;
use crate::effects::{Actor, audit};
use crate::entities::{sessions, users};
use crate::error::{DbError, DbResult};
use crate::parse::{parse_code, parse_opt_code};
use crate::sealed;

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
    /// A TOTP second factor is confirmed and asked for at login.
    pub second_factor: bool,
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
    /// Removes the second factor (a lost device): the account signs in
    /// with its password alone until it enrols again.
    pub reset_second_factor: bool,
}

/// What a login attempt needs to know about an account.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub user: User,
    pub password_hash: String,
    /// Failed attempts in a row.
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    /// The TOTP secret (opened), once one was set.
    pub totp_secret: Option<Vec<u8>>,
    /// Hashes of the unused recovery codes.
    pub recovery_codes: Vec<String>,
}

fn split_codes(codes: Option<&str>) -> Vec<String> {
    codes.unwrap_or_default().split(',').filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

fn clear_second_factor(model: &mut users::ActiveModel) {
    model.totp_enabled = Set(false);
    model.totp_secret = Set(None);
    model.totp_last_step = Set(None);
    model.recovery_codes = Set(None);
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
        second_factor: row.totp_enabled,
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
        (
            Role::Public | Role::Officer | Role::Supervisor | Role::Admin | Role::Auditor | Role::System | Role::Device,
            Some(_),
        ) => Err(DbError::Rejected("solo los coordinadores pertenecen a un sector".into())),
        (
            Role::Public | Role::Officer | Role::Supervisor | Role::Admin | Role::Auditor | Role::System | Role::Device,
            None,
        ) => Ok(()),
    }
}

impl Database {
    pub async fn create_user(&self, new: NewUser, actor: &Actor, at: DateTime<Utc>) -> DbResult<User> {
        if matches!(new.role, Role::Public | Role::System | Role::Device) {
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
            ..Default::default()
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
        // A session carries the rights it was opened with: a new role or
        // sector (a coordinator moved to another ministry) needs a new one,
        // so live subscriptions end instead of going silent.
        let ends_sessions = changes.active == Some(false)
            || role != current.role
            || sector != current.sector
            || changes.password_hash.is_some();
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
        if changes.reset_second_factor {
            clear_second_factor(&mut model);
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

    /// What a login attempt needs to know about the account with `email`.
    pub async fn credentials(&self, email: &str) -> DbResult<Option<LoginRecord>> {
        let Some(row) = users::Entity::find()
            .filter(users::Column::Email.eq(normalise_email(email)))
            .one(self.connection())
            .await?
        else {
            return Ok(None);
        };
        let totp_secret = match &row.totp_secret {
            Some(sealed) => Some(sealed::open(&*self.keys()?, sealed::TOTP_SECRET, row.id, sealed)?),
            None => None,
        };
        Ok(Some(LoginRecord {
            password_hash: row.password_hash.clone(),
            failed_logins: row.failed_logins,
            locked_until: row.locked_until,
            totp_secret,
            recovery_codes: split_codes(row.recovery_codes.as_deref()),
            user: user_from_row(row)?,
        }))
    }

    /// Records a login attempt that failed (for the audit trail). With
    /// `lock_for`, also counts the failure against the account and locks it
    /// for as long as `lock_for` says after that many failures in a row;
    /// without, the attempt is only recorded (the account was already
    /// locked: counting those would let anyone keep it locked for ever).
    pub async fn login_failed(
        &self,
        user: Option<Uuid>,
        lock_for: Option<fn(i32) -> Option<chrono::Duration>>,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> DbResult<()> {
        let actor = Actor { user_id: user, ..actor.clone() };
        let tx = self.write_transaction().await?;
        if let Some(id) = user
            && let Some(lock_for) = lock_for
            && let Some(row) = users::Entity::find_by_id(id).one(&tx).await?
        {
            let failures = row.failed_logins.saturating_add(1);
            users::Entity::update(users::ActiveModel {
                id: Set(id),
                failed_logins: Set(failures),
                locked_until: Set(lock_for(failures).map(|lock| at + lock).or(row.locked_until)),
                ..Default::default()
            })
            .exec(&tx)
            .await?;
        }
        audit(&tx, &actor, at, None, AuditAction::LoginFailed, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a new, not yet confirmed, TOTP secret (sealed).
    pub async fn begin_totp(&self, user: Uuid, secret: &[u8], actor: &Actor, at: DateTime<Utc>) -> DbResult<()> {
        let sealed = sealed::seal(&*self.sealing_keys(self.connection()).await?, sealed::TOTP_SECRET, user, secret)?;
        let mut model = users::ActiveModel { id: Set(user), updated_at: Set(at), ..Default::default() };
        clear_second_factor(&mut model);
        model.totp_secret = Set(Some(sealed));
        self.update_second_factor(model, actor, at).await
    }

    /// Turns the second factor on and stores the hashes of the recovery
    /// codes.
    pub async fn enable_totp(
        &self,
        user: Uuid,
        recovery_hashes: &[String],
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> DbResult<()> {
        let model = users::ActiveModel {
            id: Set(user),
            totp_enabled: Set(true),
            recovery_codes: Set(Some(recovery_hashes.join(","))),
            updated_at: Set(at),
            ..Default::default()
        };
        self.update_second_factor(model, actor, at).await
    }

    /// Removes the second factor, its secret and its recovery codes.
    pub async fn disable_totp(&self, user: Uuid, actor: &Actor, at: DateTime<Utc>) -> DbResult<()> {
        let mut model = users::ActiveModel { id: Set(user), updated_at: Set(at), ..Default::default() };
        clear_second_factor(&mut model);
        self.update_second_factor(model, actor, at).await
    }

    async fn update_second_factor(&self, model: users::ActiveModel, actor: &Actor, at: DateTime<Utc>) -> DbResult<()> {
        let tx = self.write_transaction().await?;
        users::Entity::update(model).exec(&tx).await?;
        audit(&tx, actor, at, None, AuditAction::SecondFactorChanged, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that the TOTP code of time step `step` was used; false if
    /// that step (or a later one) was already used, so a code observed once
    /// cannot be replayed. One conditional statement: two logins racing
    /// with the same code cannot both win.
    pub async fn use_totp_step(&self, user: Uuid, step: i64) -> DbResult<bool> {
        let done = users::Entity::update_many()
            .col_expr(users::Column::TotpLastStep, Expr::value(step))
            .filter(users::Column::Id.eq(user))
            .filter(
                Condition::any().add(users::Column::TotpLastStep.is_null()).add(users::Column::TotpLastStep.lt(step)),
            )
            .exec(self.connection())
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// Uses up a recovery code (by its hash); false if it is not one of the
    /// account's unused codes. The update only applies to the list as it
    /// was read, so a code cannot be spent twice by racing logins.
    pub async fn consume_recovery_code(&self, user: Uuid, hash: &str) -> DbResult<bool> {
        let Some(row) = users::Entity::find_by_id(user).one(self.connection()).await? else { return Ok(false) };
        let Some(stored) = row.recovery_codes else { return Ok(false) };
        let codes = split_codes(Some(&stored));
        if !codes.iter().any(|c| c == hash) {
            return Ok(false);
        }
        let left: Vec<String> = codes.into_iter().filter(|c| c != hash).collect();
        let done = users::Entity::update_many()
            .col_expr(users::Column::RecoveryCodes, Expr::value(left.join(",")))
            .filter(users::Column::Id.eq(user))
            .filter(users::Column::RecoveryCodes.eq(stored))
            .exec(self.connection())
            .await?;
        Ok(done.rows_affected == 1)
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
        users::Entity::update(users::ActiveModel {
            id: Set(user.id),
            failed_logins: Set(0),
            locked_until: Set(None),
            ..Default::default()
        })
        .exec(&tx)
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
        // The session and its account in one statement: every request
        // starts here.
        let Some((session, Some(user))) = sessions::Entity::find()
            .filter(sessions::Column::TokenHash.eq(token_hash))
            .find_also_related(users::Entity)
            .one(conn)
            .await?
        else {
            return Ok(None);
        };
        let valid = session.revoked_at.is_none() && session.expires_at > at && session.last_seen_at + policy.idle > at;
        if !valid {
            return Ok(None);
        }
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
