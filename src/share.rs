//! Share links: a sandbox configuration in a URL fragment (`#cfg=...`), compact and URL-safe.
//!
//! Only the settings that differ from the Playground's defaults are written, as JSON, then
//! base64url without padding. Reading is strict: anything malformed, out of range or too long is
//! refused with a message, never half-applied.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::experiment::ExperimentConfig;

/// The fragment key.
pub const PREFIX: &str = "cfg=";

/// Links longer than this are refused before decoding (a real configuration takes a few hundred
/// characters).
pub const MAX_LINK_CHARS: usize = 4096;

/// The fragment (without `#`) that describes `config`.
pub fn encode(config: &ExperimentConfig) -> String {
    let full = serde_json::to_value(config).expect("a configuration always serialises");
    let defaults = serde_json::to_value(ExperimentConfig::default()).expect("defaults serialise");
    let mut changed = serde_json::Map::new();
    if let (Some(full), Some(defaults)) = (full.as_object(), defaults.as_object()) {
        for (key, value) in full {
            if defaults.get(key) != Some(value) {
                changed.insert(key.clone(), value.clone());
            }
        }
    }
    let json = serde_json::Value::Object(changed).to_string();
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(json))
}

/// Reads a fragment (with or without `#`). The configuration is validated; every problem is an
/// error with a message for the player.
pub fn decode(fragment: &str) -> Result<ExperimentConfig, String> {
    let fragment = fragment.trim().trim_start_matches('#');
    if fragment.len() > MAX_LINK_CHARS {
        return Err(format!(
            "This link is too long ({} characters) to be a Neural Sandbox link.",
            fragment.len()
        ));
    }
    let payload = fragment
        .strip_prefix(PREFIX)
        .ok_or("This link does not hold a Neural Sandbox configuration.")?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| "This link is damaged (it is not valid base64).".to_string())?;
    let json =
        String::from_utf8(bytes).map_err(|_| "This link is damaged (not text).".to_string())?;
    let config: ExperimentConfig = serde_json::from_str(&json)
        .map_err(|e| format!("This link's configuration cannot be read: {e}."))?;
    config
        .validate(true)
        .map_err(|e| format!("This link's configuration is not allowed: {e}."))?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DatasetKind, Feature};
    use crate::nn::Activation;

    #[test]
    fn round_trip_is_compact_and_exact() {
        let config = ExperimentConfig {
            dataset: DatasetKind::Spiral,
            features: Feature::ALL.to_vec(),
            hidden_layers: vec![8, 8, 6],
            activation: Activation::Relu,
            learning_rate: 0.01,
            seed: 42,
            ..ExperimentConfig::default()
        };
        let link = encode(&config);
        assert!(link.starts_with("cfg="));
        assert!(link.len() < 300, "{} characters", link.len());
        assert!(
            link[4..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(decode(&format!("#{link}")).unwrap(), config);
        assert_eq!(
            decode(&encode(&ExperimentConfig::default())).unwrap(),
            ExperimentConfig::default()
        );
    }

    #[test]
    fn hostile_links_are_refused_with_a_message() {
        let cases = [
            ("", "does not hold"),
            ("#foo=bar", "does not hold"),
            ("#cfg=%%%", "not valid base64"),
            ("#cfg=_w", "not text"),
        ];
        for (link, expected) in cases {
            let e = decode(link).unwrap_err();
            assert!(e.contains(expected), "{link}: {e}");
        }
        let b64 = |json: &str| format!("cfg={}", URL_SAFE_NO_PAD.encode(json));
        assert!(
            decode(&b64("{\"learning_rate\": 1e300}"))
                .unwrap_err()
                .contains("learning_rate")
        );
        assert!(
            decode(&b64("{\"hidden_layers\": [1000000]}"))
                .unwrap_err()
                .contains("not allowed")
        );
        assert!(
            decode(&b64("{\"dataset\": \"<script>\"}"))
                .unwrap_err()
                .contains("cannot be read")
        );
        assert!(
            decode(&b64("[1, 2, 3]"))
                .unwrap_err()
                .contains("cannot be read")
        );
        assert!(
            decode(&"cfg=A".repeat(2000))
                .unwrap_err()
                .contains("too long")
        );
    }
}
