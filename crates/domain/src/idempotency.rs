//! The key a client picks to file a request once, however many times the
//! connection drops. With the request's content it recovers the file number
//! and the access key on a retry, so it must be hard to guess: a key that
//! is too short, or too regular to be random (`aaaaaaaaaaaaaaaa`,
//! `1234567890123456`), is refused with a message that says what to use.

use std::fmt;

/// A client's idempotency key, checked.
#[derive(Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

/// Why a key was refused (the message is for people; it never repeats the
/// key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WeakKey {
    #[error(
        "la clave de idempotencia debe tener de 16 a 128 letras, dígitos, guiones o guiones bajos (por ejemplo, un UUID)"
    )]
    Form,
    #[error("la clave de idempotencia es demasiado previsible: genere un valor aleatorio, por ejemplo un UUID")]
    Predictable,
}

/// Below this estimate a key is refused. A random UUID scores about 128;
/// 16 random letters and digits about 55 (of 10 000 such keys none scored
/// below 32); a run, a repeat or a word repeated scores under 30.
pub const MIN_ESTIMATED_BITS: f64 = 32.0;

impl IdempotencyKey {
    pub fn parse(key: &str) -> Result<Self, WeakKey> {
        let well_formed =
            (16..=128).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !well_formed {
            return Err(WeakKey::Form);
        }
        if estimated_bits(key) < MIN_ESTIMATED_BITS {
            return Err(WeakKey::Predictable);
        }
        Ok(Self(key.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// The key is a secret of the client's: never printed.
impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdempotencyKey(<redacted>)")
    }
}

/// A cautious estimate of a key's entropy: the characters that are not a
/// repeat of, or the neighbour (`b` after `a`) of, the one before, times
/// the Shannon entropy of the key's character frequencies. Runs, repeats
/// and short alphabets score low; random text scores close to its length
/// times the bits of its alphabet.
pub fn estimated_bits(key: &str) -> f64 {
    let bytes = key.as_bytes();
    let Some(first) = bytes.first() else { return 0.0 };
    let mut counts = [0u32; 256];
    for byte in bytes {
        counts[usize::from(*byte)] += 1;
    }
    let total = bytes.len() as f64;
    let per_char: f64 = counts
        .iter()
        .filter(|n| **n > 0)
        .map(|n| {
            let p = f64::from(*n) / total;
            -p * p.log2()
        })
        .sum();
    let mut previous = *first;
    let mut fresh = 1u32;
    for byte in &bytes[1..] {
        if byte.abs_diff(previous) > 1 {
            fresh += 1;
        }
        previous = *byte;
    }
    f64::from(fresh) * per_char
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_pass_and_regular_ones_do_not() {
        for good in [
            "0b3c7a52-1f7e-4a5e-9d7c-2f1b9b1c0e11",
            "walkthrough-5f0c9e2a-7d41-4b6e",
            "Qm8fZ2kR4pX7vL1c",
            "two-instances-request-01",
            "canaries-3FA9C2D1-one",
        ] {
            assert!(IdempotencyKey::parse(good).is_ok(), "{good}: {:.1} bits", estimated_bits(good));
        }
        for weak in [
            "aaaaaaaaaaaaaaaa",
            "1111111111111111",
            "1234567890123456",
            "abcdefghijklmnop",
            "abababababababab",
            "0000-0000-0000-0000",
            "test-test-test-test",
        ] {
            assert_eq!(
                IdempotencyKey::parse(weak),
                Err(WeakKey::Predictable),
                "{weak}: {:.1} bits",
                estimated_bits(weak)
            );
        }
        assert_eq!(IdempotencyKey::parse("short"), Err(WeakKey::Form));
        assert_eq!(IdempotencyKey::parse("with spaces in it, a sentence"), Err(WeakKey::Form));
        assert!(!format!("{:?}", IdempotencyKey::parse("Qm8fZ2kR4pX7vL1c").unwrap()).contains("Qm8f"));
    }

    /// Random 16-character keys of letters and digits are practically never
    /// refused (a deterministic sample of 10 000).
    #[test]
    fn random_short_keys_are_not_refused_by_chance() {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut refused = 0;
        for _ in 0..10_000 {
            let key: String = (0..16)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    char::from(ALPHABET[(state % ALPHABET.len() as u64) as usize])
                })
                .collect();
            refused += usize::from(IdempotencyKey::parse(&key).is_err());
        }
        assert_eq!(refused, 0, "{refused} of 10 000 random keys refused");
    }
}
