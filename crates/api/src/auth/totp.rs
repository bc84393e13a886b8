//! Time-based one-time passwords (RFC 6238), the optional second factor
//! for staff: HMAC-SHA1, six digits, 30-second steps, which is what every
//! authenticator app speaks. Secrets travel as RFC 4648 base32.

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Seconds per time step.
const STEP_SECONDS: i64 = 30;
/// One step either side of now: phone clocks drift and people type slowly.
const SKEW_STEPS: i64 = 1;
/// 160 bits, the size of an HMAC-SHA1 key (RFC 4226 §4).
pub(crate) const SECRET_BYTES: usize = 20;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The time step `at` falls in.
pub(crate) fn step_at(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS)
}

/// The six-digit code of `step`.
fn code(secret: &[u8], step: i64) -> String {
    // HMAC takes keys of any length: this cannot fail.
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(secret) else { return String::new() };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    // Dynamic truncation (RFC 4226 §5.3).
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary =
        u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    format!("{:06}", binary % 1_000_000)
}

/// Whether `input` looks like a TOTP code (six digits, spaces allowed)
/// rather than a recovery code.
pub(crate) fn looks_like_code(input: &str) -> bool {
    let digits: Vec<char> = input.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == 6 && digits.iter().all(char::is_ascii_digit)
}

/// The step whose code `input` is, within the allowed skew around `now`.
pub(crate) fn matching_step(secret: &[u8], input: &str, now: DateTime<Utc>) -> Option<i64> {
    let typed: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let current = step_at(now);
    (current - SKEW_STEPS..=current + SKEW_STEPS).find(|&step| same(code(secret, step).as_bytes(), typed.as_bytes()))
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// RFC 4648 base32, without padding, as authenticator apps expect.
pub(crate) fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let bits = block.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            out.push(char::from(BASE32[((bits >> (35 - 5 * i)) & 0x1f) as usize]));
        }
    }
    out
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = BASE32.iter().position(|&b| char::from(b) == c.to_ascii_uppercase())?;
        bits = (bits << 5) | value as u64;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push(((bits >> count) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The code an authenticator app shows at `at` for the base32 `secret`
/// (what a client or a test types); `None` if the secret is not base32.
pub fn code_at(secret: &str, at: DateTime<Utc>) -> Option<String> {
    base32_decode(secret).map(|secret| code(&secret, step_at(at)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn rfc_6238_vectors() {
        // Appendix B, SHA-1, last six of the eight digits.
        let secret = b"12345678901234567890";
        for (seconds, expected) in
            [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")]
        {
            assert_eq!(code(secret, step_at(at(seconds))), expected, "T = {seconds}");
        }
    }

    #[test]
    fn codes_match_one_step_either_side_only() {
        let secret = b"12345678901234567890";
        let now = at(1_111_111_109);
        let step = step_at(now);
        assert_eq!(matching_step(secret, "081 804", now), Some(step));
        assert_eq!(matching_step(secret, &code(secret, step - 1), now), Some(step - 1));
        assert_eq!(matching_step(secret, &code(secret, step + 1), now), Some(step + 1));
        assert_eq!(matching_step(secret, &code(secret, step + 2), now), None);
        assert_eq!(matching_step(secret, "000000x", now), None);
    }

    #[test]
    fn base32_round_trips_and_reads_what_apps_show() {
        assert_eq!(base32(b"12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32_decode("mzxw6ytb oi======"), Some(b"foobar".to_vec()));
        assert_eq!(code_at("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", at(59)).as_deref(), Some("287082"));
        assert!(looks_like_code("123 456") && !looks_like_code("ABCDE-12345"));
    }
}
