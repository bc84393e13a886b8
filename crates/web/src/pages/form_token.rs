//! Protection against cross-site form posts, without cookies on the public
//! side: a POST must come from one of our own pages. Two checks, both
//! required: the browser's own word (`Sec-Fetch-Site`, else `Origin`
//! against `Host`), and a token our server put in the form when it
//! rendered it, signed with a key derived from the server's secret (so any
//! instance accepts it) and valid for a few hours (a person may take long
//! to write what happened; an expired token re-shows the step with the
//! input kept and a fresh token, nothing is lost).

use axum::http::{HeaderMap, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{KeyInit, Mac};
use sha2::Sha256;

/// How long a rendered form may wait before it is posted.
const VALID_FOR_SECONDS: i64 = 12 * 3600;
/// Clocks of two instances may differ a little.
const CLOCK_SKEW_SECONDS: i64 = 300;

/// The form tokens' key.
#[derive(Clone)]
pub struct FormSecret([u8; 32]);

impl FormSecret {
    pub fn new(key: [u8; 32]) -> Self {
        Self(key)
    }

    /// A random key, for a single instance (tests, a development run).
    pub fn random() -> Self {
        let mut key = [0; 32];
        getrandom::fill(&mut key).expect("the system's random source");
        Self(key)
    }

    fn mac(&self, issued: i64, binding: &str) -> hmac::Hmac<Sha256> {
        let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(b"resguardo/form-token/v1\0");
        mac.update(&issued.to_be_bytes());
        mac.update(binding.as_bytes());
        mac
    }

    /// A token for a form rendered now; `binding` ties it to who may post
    /// it (empty on the public side, the session on the console).
    pub(crate) fn issue(&self, now: DateTime<Utc>, binding: &str) -> String {
        let issued = now.timestamp();
        let tag = self.mac(issued, binding).finalize().into_bytes();
        let mut raw = issued.to_be_bytes().to_vec();
        raw.extend_from_slice(&tag[..16]);
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// Whether `token` is one of ours, for `binding`, still valid.
    pub(crate) fn verify(&self, token: &str, now: DateTime<Utc>, binding: &str) -> TokenCheck {
        let Ok(raw) = URL_SAFE_NO_PAD.decode(token.trim()) else { return TokenCheck::Invalid };
        let Some((issued, tag)) = raw.split_first_chunk::<8>() else { return TokenCheck::Invalid };
        let issued = i64::from_be_bytes(*issued);
        if tag.len() != 16 || self.mac(issued, binding).verify_truncated_left(tag).is_err() {
            return TokenCheck::Invalid;
        }
        let age = now.timestamp() - issued;
        if (-CLOCK_SKEW_SECONDS..=VALID_FOR_SECONDS).contains(&age) { TokenCheck::Valid } else { TokenCheck::Expired }
    }
}

impl std::fmt::Debug for FormSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FormSecret(<redacted>)")
    }
}

/// What a posted token turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenCheck {
    Valid,
    /// Ours, but too old: the page shows the form again with a fresh one.
    Expired,
    /// Not ours: the post is refused.
    Invalid,
}

/// Whether the browser says the post comes from one of our pages. Modern
/// browsers send `Sec-Fetch-Site`; older ones `Origin`, compared with the
/// host the browser addressed; a client sending neither (not a browser, or
/// a very old one) is left to the token.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    origin.split_once("://").is_some_and(|(_, authority)| !host.is_empty() && authority.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + seconds, 0).expect("a valid instant")
    }

    #[test]
    fn a_token_holds_for_its_binding_and_its_time_only() {
        let secret = FormSecret::random();
        let token = secret.issue(at(0), "");
        assert_eq!(secret.verify(&token, at(60), ""), TokenCheck::Valid);
        assert_eq!(secret.verify(&token, at(VALID_FOR_SECONDS + 1), ""), TokenCheck::Expired);
        assert_eq!(secret.verify(&token, at(60), "session"), TokenCheck::Invalid);
        assert_eq!(FormSecret::random().verify(&token, at(60), ""), TokenCheck::Invalid);
        assert_eq!(secret.verify("not a token", at(0), ""), TokenCheck::Invalid);
        let mut forged = URL_SAFE_NO_PAD.decode(&token).unwrap();
        forged[7] ^= 1; // a later issue time, same tag
        assert_eq!(secret.verify(&URL_SAFE_NO_PAD.encode(forged), at(0), ""), TokenCheck::Invalid);
    }

    #[test]
    fn only_our_own_pages_may_post() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site"), ("origin", "http://a"), ("host", "a")])));
        assert!(same_origin(&headers(&[("origin", "http://127.0.0.1:8080"), ("host", "127.0.0.1:8080")])));
        assert!(!same_origin(&headers(&[("origin", "https://evil.example"), ("host", "127.0.0.1:8080")])));
        assert!(!same_origin(&headers(&[("origin", "null"), ("host", "127.0.0.1:8080")])));
        assert!(same_origin(&headers(&[])));
    }
}
