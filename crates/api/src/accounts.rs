//! Staff accounts: login and logout with opaque bearer tokens, who am I,
//! and the administration of accounts (admins only).

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use db::{NewUser, User, UserChanges};
use domain::roles::Role;

use crate::auth::secrets;
use crate::authz::{Operation, Target};
use crate::context::{authorize, db, staff, state};
use crate::enums::StaffRole;
use crate::error::{ApiError, ApiResult};
use crate::inputs::{id, ref_code};
use crate::scalars::Timestamp;
use crate::second_factor;

/// A member of staff as others see them: themselves (`me`), admins
/// (`users`), officers and supervisors (`officers`, assigned officers and
/// actors in a case's history).
#[derive(SimpleObject)]
#[graphql(name = "StaffMember")]
pub(crate) struct StaffMember {
    /// The account's id.
    id: ID,
    /// The e-mail address the account signs in with and is notified at
    /// (lower case).
    email: String,
    /// The name shown to other staff.
    display_name: String,
    /// What the account may see and do.
    role: StaffRole,
    /// A coordinator's sector code; none for other roles.
    sector: Option<String>,
    /// The sector's lead coordinator, to whom overdue measures are escalated.
    lead_coordinator: bool,
    /// Whether the account may sign in; disabling it ends its sessions at
    /// once.
    active: bool,
    /// Signs in with a second factor.
    second_factor: bool,
}

impl From<User> for StaffMember {
    fn from(user: User) -> Self {
        Self {
            id: ID(user.id.to_string()),
            role: StaffRole::from_role(user.role).unwrap_or(StaffRole::Officer),
            sector: user.sector.map(|s| s.to_string()),
            email: user.email,
            display_name: user.display_name,
            lead_coordinator: user.lead_coordinator,
            active: user.active,
            second_factor: user.second_factor,
        }
    }
}

/// A new session: send `token` as `Authorization: Bearer <token>`.
#[derive(SimpleObject)]
pub(crate) struct LoginResult {
    /// The session's bearer token (256 random bits; only its hash is
    /// stored). Secret: keep it out of logs and URLs.
    token: String,
    /// When the session ends at the latest (RFC 3339, UTC, to the
    /// millisecond); it ends sooner after 60 idle minutes, at logout, or
    /// when the account is disabled or its role or password changes.
    expires_at: Timestamp,
    /// The account that signed in.
    user: StaffMember,
}

/// A new staff account (admins).
#[derive(InputObject)]
pub(crate) struct NewUserInput {
    /// The e-mail address to sign in with; stored in lower case, unique.
    email: String,
    /// The name shown to other staff; at most 200 characters.
    display_name: String,
    /// What the account may see and do.
    role: StaffRole,
    /// The sector code: required for coordinators, refused for everyone
    /// else.
    sector: Option<String>,
    /// Whether a coordinator is the sector's lead, to whom overdue measures
    /// are escalated.
    #[graphql(default)]
    lead_coordinator: bool,
    /// The initial password: at least 12 characters. Secret.
    #[graphql(secret)]
    password: String,
}

/// Changes to a staff account (admins); a field left out stays as it is.
#[derive(InputObject)]
pub(crate) struct UserChangesInput {
    /// A new display name; at most 200 characters.
    display_name: Option<String>,
    /// A new role; the account's sessions end at once.
    role: Option<StaffRole>,
    /// A new sector code for a coordinator; an explicit `null` removes it.
    sector: MaybeUndefined<String>,
    /// Whether a coordinator is the sector's lead.
    lead_coordinator: Option<bool>,
    /// Set to false to disable the account and end its sessions at once;
    /// true enables it again.
    active: Option<bool>,
    /// A new password: at least 12 characters; the account's sessions end at
    /// once. Secret.
    #[graphql(secret)]
    password: Option<String>,
    /// When true, removes the account's second factor (a lost phone): it
    /// signs in with its password until it sets one up again.
    #[graphql(default)]
    reset_second_factor: bool,
}

#[derive(Default)]
pub(crate) struct AccountsQuery;

#[derive(Default)]
pub(crate) struct AccountsMutation;

#[Object]
impl AccountsQuery {
    /// The signed-in member of staff (any staff account).
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<StaffMember> {
        authorize(ctx, Operation::Me, Target::Nothing)?;
        Ok(staff(ctx)?.session.user.clone().into())
    }

    /// Every staff account, active or not (admins).
    async fn users(&self, ctx: &Context<'_>) -> ApiResult<Vec<StaffMember>> {
        authorize(ctx, Operation::Users, Target::Nothing)?;
        Ok(db(ctx).users().await?.into_iter().map(Into::into).collect())
    }

    /// Active officers and supervisors, to assign cases to (officers and
    /// supervisors).
    async fn officers(&self, ctx: &Context<'_>) -> ApiResult<Vec<StaffMember>> {
        authorize(ctx, Operation::Officers, Target::Nothing)?;
        Ok(db(ctx)
            .users()
            .await?
            .into_iter()
            .filter(|u| u.active && matches!(u.role, Role::Officer | Role::Supervisor))
            .map(Into::into)
            .collect())
    }
}

#[Object]
impl AccountsMutation {
    /// Signs in with e-mail and password, and the second factor when the
    /// account has one (a code from the app or a recovery code; asked for
    /// with SECOND_FACTOR_REQUIRED when missing). Anyone may call it;
    /// rate-limited per client address, and 5 failures in a row lock the
    /// account for a growing period.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret, desc = "The account's e-mail address (case is ignored).")] email: String,
        #[graphql(secret, desc = "The account's password.")] password: String,
        #[graphql(
            secret,
            name = "secondFactor",
            desc = "A 6-digit code from the authenticator app, or an unused recovery code."
        )]
        code: Option<String>,
    ) -> ApiResult<LoginResult> {
        let request = authorize(ctx, Operation::Login, Target::Nothing)?;
        let state = state(ctx);
        let (actor, now) = (request.actor(), request.now);
        let found = state.db.credentials(&email).await?;
        // An unknown e-mail or a locked account costs a hash too: timing
        // does not tell which e-mails have accounts.
        let matches = state.hasher.verify_or_decoy(&password, found.as_ref().map(|r| r.password_hash.as_str())).await?;
        let record = match found {
            Some(record) if record.user.active => record,
            other => {
                state.db.login_failed(other.map(|r| r.user.id), None, &actor, now).await?;
                return Err(ApiError::BadLogin);
            }
        };
        let user = record.user.id;
        if record.locked_until.is_some_and(|until| until > now) {
            state.db.login_failed(Some(user), None, &actor, now).await?;
            return Err(ApiError::BadLogin);
        }
        if !matches {
            state.db.login_failed(Some(user), Some(second_factor::lock_after), &actor, now).await?;
            return Err(ApiError::BadLogin);
        }
        if record.user.second_factor {
            let Some(code) = code else { return Err(ApiError::SecondFactorRequired) };
            if !second_factor::verify(&state.db, &record, &code, now).await? {
                state.db.login_failed(Some(user), Some(second_factor::lock_after), &actor, now).await?;
                return Err(ApiError::BadSecondFactor);
            }
        }
        let token = secrets::new_session_token()?;
        let session = state
            .db
            .open_session(&record.user, secrets::session_token_hash(&token), state.config.sessions, &actor, now)
            .await?;
        Ok(LoginResult { token, expires_at: Timestamp(session.expires_at), user: record.user.into() })
    }

    /// Ends the current session (any staff account); its token stops working
    /// at once.
    async fn logout(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let request = authorize(ctx, Operation::Logout, Target::Nothing)?;
        let staff = staff(ctx)?;
        db(ctx).revoke_session(&staff.session, &request.actor(), request.now).await?;
        Ok(true)
    }

    /// Creates a staff account (admins).
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account.")] input: NewUserInput,
    ) -> ApiResult<StaffMember> {
        let request = authorize(ctx, Operation::CreateUser, Target::Nothing)?;
        let password_hash = state(ctx).hasher.hash(&input.password).await.map_err(|e| e.at_field("input.password"))?;
        let new = NewUser {
            email: check_email(&input.email)?,
            display_name: check_name(&input.display_name)?,
            role: input.role.into(),
            sector: input.sector.as_deref().map(|s| ref_code("input.sector", s)).transpose()?,
            lead_coordinator: input.lead_coordinator,
            password_hash,
        };
        Ok(db(ctx).create_user(new, &request.actor(), request.now).await?.into())
    }

    /// Changes an account (admins). Disabling it, changing its role or its
    /// password ends its sessions at once.
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's id (`StaffMember.id`).")] user_id: ID,
        #[graphql(desc = "What to change; fields left out stay as they are.")] input: UserChangesInput,
    ) -> ApiResult<StaffMember> {
        let request = authorize(ctx, Operation::UpdateUser, Target::Nothing)?;
        let user_id = id("userId", &user_id)?;
        let password_hash = match &input.password {
            Some(password) => Some(state(ctx).hasher.hash(password).await.map_err(|e| e.at_field("input.password"))?),
            None => None,
        };
        let sector = match input.sector {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(code) => Some(Some(ref_code("input.sector", &code)?)),
        };
        let changes = UserChanges {
            display_name: input.display_name.as_deref().map(check_name).transpose()?,
            role: input.role.map(Into::into),
            sector,
            lead_coordinator: input.lead_coordinator,
            active: input.active,
            password_hash,
            reset_second_factor: input.reset_second_factor,
        };
        Ok(db(ctx).update_user(user_id, changes, &request.actor(), request.now).await?.into())
    }
}

fn check_email(email: &str) -> ApiResult<String> {
    domain::contact::EmailAddress::parse(email)
        .map(|e| db::normalise_email(e.as_str()))
        .map_err(|e| ApiError::bad_input("input.email", e.to_string()))
}

fn check_name(name: &str) -> ApiResult<String> {
    domain::text::Name::parse(name)
        .map(|n| n.as_str().to_owned())
        .map_err(|e| ApiError::bad_input("input.displayName", e.to_string()))
}
