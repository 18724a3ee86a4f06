//! Share links: a sandbox configuration in a URL fragment (`#cfg=...`), compact and URL-safe.
//!
//! Only the settings that differ from the Playground's defaults are written, as JSON, then
//! base64url without padding. Reading is strict: anything malformed, out of range or too long is
//! refused with a message, never half-applied.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::data::{Data, Example};
use crate::experiment::ExperimentConfig;

/// The fragment key.
pub const PREFIX: &str = "cfg=";

/// Links longer than this are refused before decoding (a real configuration takes a few hundred
/// characters).
pub const MAX_LINK_CHARS: usize = 4096;

/// What joins the student's own points to the configuration in a fragment.
pub const POINTS_KEY: &str = "&pts=";
/// The most points a link carries (about 20 characters each): more make a link that chat and mail
/// programs cut; a saved experiment carries any number.
pub const MAX_LINK_POINTS: usize = 300;
/// Links with points may be this long.
pub const MAX_LINK_WITH_POINTS_CHARS: usize = 12_000;

/// The fragment for `config` with the student's own points, coordinates rounded to 0.01 (and
/// regression values to 0.001); refused when there are too many for a link.
pub fn encode_with_points(config: &ExperimentConfig, data: &Data) -> Result<String, String> {
    let count = data.train.len() + data.test.len();
    if count > MAX_LINK_POINTS {
        return Err(format!(
            "{count} points are too many for a link (at most {MAX_LINK_POINTS})"
        ));
    }
    let round = |v: f64, scale: f64| (v * scale).round() / scale;
    let mut text = Vec::with_capacity(count);
    for (set, split) in [(&data.train, 0), (&data.test, 1)] {
        for e in set {
            text.push(format!(
                "{},{},{},{split}",
                round(e.x1, 100.0),
                round(e.x2, 100.0),
                round(e.label, 1000.0)
            ));
        }
    }
    Ok(format!(
        "{}{POINTS_KEY}{}",
        encode(config),
        URL_SAFE_NO_PAD.encode(text.join(";"))
    ))
}

/// Reads a fragment that may carry points: the configuration (as [`decode`]) and the points,
/// each refused with a message when malformed.
pub fn decode_with_points(fragment: &str) -> Result<(ExperimentConfig, Option<Data>), String> {
    let fragment = fragment.trim().trim_start_matches('#');
    let Some((settings, points)) = fragment.split_once(POINTS_KEY) else {
        return decode(fragment).map(|config| (config, None));
    };
    if fragment.len() > MAX_LINK_WITH_POINTS_CHARS {
        return Err(format!(
            "This link is too long ({} characters) to be a Neural Sandbox link.",
            fragment.len()
        ));
    }
    let config = decode(settings)?;
    let damaged = |what: String| format!("This link's points are damaged ({what}).");
    let bytes = URL_SAFE_NO_PAD
        .decode(points.trim_end_matches('='))
        .map_err(|_| damaged("not valid base64".into()))?;
    let text = String::from_utf8(bytes).map_err(|_| damaged("not text".into()))?;
    let mut data = Data::default();
    for (n, point) in text.split(';').enumerate() {
        if n >= MAX_LINK_POINTS {
            return Err(damaged(format!("more than {MAX_LINK_POINTS} points")));
        }
        let fields: Vec<&str> = point.split(',').collect();
        let [x1, x2, label, split] = fields[..] else {
            return Err(damaged(format!(
                "point {} has {} numbers, not 4",
                n + 1,
                fields.len()
            )));
        };
        let number = |t: &str| t.parse::<f64>().ok().filter(|v| v.is_finite());
        let (Some(x1), Some(x2), Some(label)) = (number(x1), number(x2), number(label)) else {
            return Err(damaged(format!("point {} is not three numbers", n + 1)));
        };
        let example = Example::new(x1, x2, label);
        match split {
            "0" => data.train.push(example),
            "1" => data.test.push(example),
            other => {
                return Err(damaged(format!(
                    "point {}: split {other:?} is neither 0 nor 1",
                    n + 1
                )));
            }
        }
    }
    Ok((config, Some(data)))
}

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

    #[test]
    fn links_carry_a_few_hundred_points_and_refuse_broken_ones() {
        let mut drawing = crate::data::drawing::Drawing::default();
        for i in 0..300 {
            let t = f64::from(i) / 300.0;
            drawing.add(
                12.0 * t - 6.0,
                (9.0 * t).sin() * 4.0,
                if i % 3 == 0 { 1.0 } else { -1.0 },
            );
        }
        let data = drawing.data();
        let config = ExperimentConfig::default();
        let link = encode_with_points(&config, &data).unwrap();
        assert!(link.len() < MAX_LINK_WITH_POINTS_CHARS, "{}", link.len());
        let (back, points) = decode_with_points(&format!("#{link}")).unwrap();
        assert_eq!(back, config);
        let points = points.unwrap();
        assert_eq!(points.train.len(), data.train.len());
        assert_eq!(points.test.len(), data.test.len());
        for (a, b) in points.train.iter().zip(&data.train) {
            assert!((a.x1 - b.x1).abs() <= 0.005 && (a.x2 - b.x2).abs() <= 0.005);
            assert_eq!(a.label, b.label);
        }
        // A link without points reads as before.
        assert_eq!(
            decode_with_points(&encode(&config)).unwrap(),
            (config.clone(), None)
        );
        // Too many points for a link: said, and the caller saves the experiment instead.
        drawing.add(0.0, 0.0, 1.0);
        let e = encode_with_points(&config, &drawing.data()).unwrap_err();
        assert!(e.contains("301 points"), "{e}");
        let settings = encode(&config);
        let with =
            |points: &str| format!("{settings}{POINTS_KEY}{}", URL_SAFE_NO_PAD.encode(points));
        for (link, expected) in [
            (format!("{settings}{POINTS_KEY}%%%"), "base64"),
            (with("1,2,1"), "not 4"),
            (with("1,2,x,0"), "not three numbers"),
            (with("1,2,inf,0"), "not three numbers"),
            (with("1,2,1,7"), "neither 0 nor 1"),
            (with(&"1,1,1,0;".repeat(400)), "more than 300"),
        ] {
            let e = decode_with_points(&link).unwrap_err();
            assert!(e.contains(expected), "{expected}: {e}");
        }
    }
}
