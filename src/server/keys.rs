//! Keys and class codes. A key is 32 random bytes from the operating system, written in base64url
//! after a prefix that says whose it is; the database keeps only its SHA-256. A fast hash is right
//! here: a key has 256 bits of entropy, so there is nothing to guess, and a password hash would cost
//! every request tens of milliseconds.

use base64::Engine;
use sha2::{Digest, Sha256};

/// What a teacher's key starts with.
pub const TEACHER_PREFIX: &str = "nst_";
/// What a student's key starts with.
pub const STUDENT_PREFIX: &str = "nss_";

/// Letters of a class code: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, so that a code read aloud or copied from
/// a projector is typed right.
const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
/// 25^8 is about 1.5 * 10^11 codes: joins are rate-limited per class, so guessing one is hopeless.
pub const CODE_LENGTH: usize = 8;

fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random numbers from the system: {e}"))?;
    Ok(bytes)
}

/// A new key with its prefix.
pub fn new_key(prefix: &str) -> Result<String, String> {
    let bytes = random_bytes::<32>()?;
    Ok(format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// The hash the database keeps of a key (hex).
pub fn hash_key(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new class code.
pub fn new_class_code() -> Result<String, String> {
    // Rejection sampling keeps every letter equally likely (256 is not a multiple of 25).
    let mut code = String::with_capacity(CODE_LENGTH);
    let limit = 256 - 256 % CODE_ALPHABET.len();
    while code.len() < CODE_LENGTH {
        for byte in random_bytes::<16>()? {
            if (byte as usize) < limit && code.len() < CODE_LENGTH {
                code.push(CODE_ALPHABET[byte as usize % CODE_ALPHABET.len()] as char);
            }
        }
    }
    Ok(code)
}

/// A class code as typed: upper-cased, and only if it could be one (so that nothing else reaches a
/// query or a log line).
pub fn normalise_class_code(typed: &str) -> Option<String> {
    let code = typed.trim().to_ascii_uppercase();
    (code.len() == CODE_LENGTH && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// A new row id: random, so that two server processes never pick the same one and ids say nothing
/// about how many rows there are; below 2^53, so that JavaScript's numbers hold it exactly.
pub fn new_id() -> Result<i64, String> {
    let bytes = random_bytes::<8>()?;
    Ok((u64::from_le_bytes(bytes) >> 11) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_distinct_and_hashed() {
        let a = new_key(STUDENT_PREFIX).unwrap();
        let b = new_key(STUDENT_PREFIX).unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(STUDENT_PREFIX) && a.len() == 4 + 43, "{a}");
        assert_eq!(hash_key(&a).len(), 64);
        assert_ne!(hash_key(&a), hash_key(&b));
        // SHA-256 of "abc", the standard's own example.
        assert_eq!(
            hash_key("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn class_codes_use_the_unambiguous_letters() {
        for _ in 0..200 {
            let code = new_class_code().unwrap();
            assert_eq!(
                normalise_class_code(&code.to_lowercase()),
                Some(code.clone())
            );
            assert!(!code.contains('O') && !code.contains('0') && !code.contains('1'));
        }
        assert_eq!(normalise_class_code("ABC"), None);
        assert_eq!(normalise_class_code("ACDEFGH'"), None);
        assert!((0..1 << 53).contains(&new_id().unwrap()));
    }
}
