//! The console's session: the API's own opaque session token (what
//! `login` returns, stored hashed by the API, with its idle and absolute
//! expiry and its revocation when the account changes) kept in a cookie
//! the page's script cannot read (`HttpOnly`), sent only over HTTPS
//! (`Secure`, and the `__Host-` prefix: no `Domain`, path `/`), and never
//! on a request another site starts (`SameSite=Strict`). The browser keeps
//! it until it closes (no `Max-Age`); the API decides when it ends.
//!
//! Every console page runs its operations with this token, as a client
//! sending `Authorization: Bearer` to `/graphql` would: the API checks the
//! session on each one, so a disabled account's open page stops working at
//! its next request.

use api::Caller;
use axum::http::{HeaderMap, HeaderValue, header};
use sha2::{Digest, Sha256};

use crate::WebState;
use crate::graphql_http::{Peer, client_address};

/// The cookie's name; `__Host-` makes the browser refuse it unless it is
/// `Secure`, has no `Domain` and has path `/`.
pub(crate) const COOKIE: &str = "__Host-resguardo-sesion";

/// A signed-in member of staff, as far as the browser says.
pub(crate) struct Session {
    pub(crate) caller: Caller,
    /// What the console's form tokens are bound to: a digest of the
    /// session token, so a form drawn for one session is refused in
    /// another (and the token itself never appears in a page).
    pub(crate) binding: String,
}

/// The session the request's cookie holds, if any.
pub(crate) fn read(app: &WebState, headers: &HeaderMap, peer: Peer) -> Option<Session> {
    let token = cookie_value(headers)?;
    let binding = binding(&token);
    let caller = Caller {
        token: Some(token),
        device_token: None,
        client: client_address(app, headers, peer),
        request_id: crate::metrics::request_id(headers),
    };
    Some(Session { caller, binding })
}

fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        // The API's tokens are 64 hex digits; anything else is not one.
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn binding(token: &str) -> String {
    let digest = Sha256::new_with_prefix(b"resguardo/console-form/v1\0").chain_update(token.as_bytes()).finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// `Set-Cookie` for a new session.
pub(crate) fn set_cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict"))
        .unwrap_or_else(|_| clear_cookie())
}

/// `Set-Cookie` that makes the browser forget the session.
pub(crate) fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("__Host-resguardo-sesion=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_token_is_read_and_the_binding_hides_it() {
        let token = "ab".repeat(32);
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&format!("other=1; {COOKIE}={token}")).unwrap());
        assert_eq!(cookie_value(&headers).as_deref(), Some(token.as_str()));
        assert!(!binding(&token).contains(&token[..16]));
        assert_ne!(binding(&token), binding(&"cd".repeat(32)));
        headers.insert(header::COOKIE, HeaderValue::from_static("__Host-resguardo-sesion=<script>"));
        assert_eq!(cookie_value(&headers), None);
        assert!(clear_cookie().to_str().unwrap().starts_with(COOKIE));
        let set = set_cookie(&token);
        for flag in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(set.to_str().unwrap().contains(flag), "{flag}");
        }
    }
}
