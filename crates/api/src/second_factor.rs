//! The optional second factor for staff: an authenticator app (TOTP) and
//! ten single-use recovery codes. Each member of staff sets up their own;
//! an admin can remove one (a lost phone) with `updateUser`. Roles named
//! in the configuration must have one before their sessions can do
//! anything else (see `authz`).

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use db::{Database, LoginRecord};

use crate::auth::{RequestContext, secrets, totp};
use crate::authz::{Operation, Target};
use crate::context::{authorize, staff, state};
use crate::error::{ApiError, ApiResult};

/// How many recovery codes an account gets.
const RECOVERY_CODES: usize = 10;

/// After five failed logins in a row the account locks for a minute, then
/// two, four… up to an hour per further failure; a successful login
/// clears the count.
pub(crate) fn lock_after(failures: i32) -> Option<chrono::Duration> {
    let beyond = u32::try_from(failures.checked_sub(5)?).ok()?;
    Some(chrono::Duration::minutes(if beyond >= 6 { 60 } else { 1 << beyond }))
}

/// Whether `input` (a TOTP code or a recovery code) proves the second
/// factor of `record`'s account. A code is good once: a TOTP code's step is
/// recorded, a recovery code is used up.
pub(crate) async fn verify(db: &Database, record: &LoginRecord, input: &str, now: DateTime<Utc>) -> ApiResult<bool> {
    if totp::looks_like_code(input) {
        let Some(step) = record.totp_secret.as_deref().and_then(|secret| totp::matching_step(secret, input, now))
        else {
            return Ok(false);
        };
        Ok(db.use_totp_step(record.user.id, step).await?)
    } else {
        Ok(db.consume_recovery_code(record.user.id, &secrets::recovery_code_hash(input)).await?)
    }
}

/// What to load into an authenticator app (TOTP, RFC 6238: SHA-1, six
/// digits, 30 seconds). Shown once to its own account; stored sealed.
#[derive(SimpleObject)]
pub(crate) struct SecondFactorSetup {
    /// The secret in base32, to type in by hand. Keep it secret.
    secret: String,
    /// An `otpauth://` URI holding the secret and the account's e-mail, to
    /// show as a QR code.
    uri: String,
}

#[derive(Default)]
pub(crate) struct SecondFactorMutation;

/// The signed-in account's own login record, after checking its password
/// again: a session left open on a shared computer must not be enough to
/// change how the account signs in.
async fn reauthenticate<'a>(
    ctx: &Context<'a>,
    operation: Operation,
    password: &str,
) -> ApiResult<(&'a RequestContext, LoginRecord)> {
    let request = authorize(ctx, operation, Target::Nothing)?;
    let state = state(ctx);
    let me = &staff(ctx)?.session.user;
    let record = state.db.credentials(&me.email).await?.ok_or(ApiError::Unauthenticated)?;
    if !state.hasher.verify(password, &record.password_hash).await? {
        // Counted like a failed login: a stolen session must not become a
        // way to guess the password.
        state.db.login_failed(Some(me.id), Some(lock_after), &request.actor(), request.now).await?;
        return Err(ApiError::bad_input("password", "la contraseña no es correcta"));
    }
    Ok((request, record))
}

#[Object]
impl SecondFactorMutation {
    /// Starts setting up the signed-in account's second factor; nothing
    /// changes at login until `confirmSecondFactor`. Any staff; CONFLICT when
    /// one is already on.
    async fn begin_second_factor(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret, desc = "The account's password, asked again; a wrong one counts as a failed login.")]
        password: String,
    ) -> ApiResult<SecondFactorSetup> {
        let (request, record) = reauthenticate(ctx, Operation::BeginSecondFactor, &password).await?;
        if record.user.second_factor {
            return Err(ApiError::Conflict(
                "ya tiene un segundo factor activo; desactívelo antes de configurar otro".into(),
            ));
        }
        let secret = secrets::new_totp_secret()?;
        state(ctx).db.begin_totp(record.user.id, &secret, &request.actor(), request.now).await?;
        let secret = totp::base32(&secret);
        let uri = format!(
            "otpauth://totp/Resguardo:{}?secret={secret}&issuer=Resguardo&algorithm=SHA1&digits=6&period=30",
            record.user.email
        );
        Ok(SecondFactorSetup { secret, uri })
    }

    /// Turns the second factor on with a code from the app, and returns the
    /// ten single-use recovery codes: they are shown this once, keep them
    /// offline. Any staff, after `beginSecondFactor`.
    async fn confirm_second_factor(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret, desc = "A current six-digit code from the app (a recovery code is not accepted here).")]
        code: String,
    ) -> ApiResult<Vec<String>> {
        let request = authorize(ctx, Operation::ConfirmSecondFactor, Target::Nothing)?;
        let db = &state(ctx).db;
        let me = &staff(ctx)?.session.user;
        let record = db.credentials(&me.email).await?.ok_or(ApiError::Unauthenticated)?;
        if record.user.second_factor {
            return Err(ApiError::Conflict("el segundo factor ya está activo".into()));
        }
        if record.totp_secret.is_none() {
            return Err(ApiError::InvalidTransition("primero inicie la configuración con beginSecondFactor".into()));
        }
        if !totp::looks_like_code(&code) || !verify(db, &record, &code, request.now).await? {
            return Err(ApiError::BadSecondFactor);
        }
        let codes = (0..RECOVERY_CODES).map(|_| secrets::new_recovery_code()).collect::<ApiResult<Vec<_>>>()?;
        let hashes: Vec<String> = codes.iter().map(|c| secrets::recovery_code_hash(c)).collect();
        db.enable_totp(record.user.id, &hashes, &request.actor(), request.now).await?;
        Ok(codes)
    }

    /// Turns the signed-in account's second factor off; returns true. Any
    /// staff. Roles that require one must set it up again before doing
    /// anything else.
    async fn disable_second_factor(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret, desc = "The account's password, asked again; a wrong one counts as a failed login.")]
        password: String,
        #[graphql(secret, desc = "A current code from the app, or an unused recovery code (used up).")] code: String,
    ) -> ApiResult<bool> {
        let (request, record) = reauthenticate(ctx, Operation::DisableSecondFactor, &password).await?;
        let db = &state(ctx).db;
        if !record.user.second_factor {
            return Err(ApiError::Conflict("no tiene un segundo factor activo".into()));
        }
        if !verify(db, &record, &code, request.now).await? {
            return Err(ApiError::BadSecondFactor);
        }
        db.disable_totp(record.user.id, &request.actor(), request.now).await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_start_after_five_failures_and_double_up_to_an_hour() {
        let minutes = |n| lock_after(n).map(|d| d.num_minutes());
        assert_eq!(minutes(4), None);
        assert_eq!(minutes(5), Some(1));
        assert_eq!(minutes(6), Some(2));
        assert_eq!(minutes(10), Some(32));
        assert_eq!(minutes(11), Some(60));
        assert_eq!(minutes(500), Some(60));
    }
}
