//! Enums that are written by name in the CLI, config files, level files and weight files.
//!
//! One macro gives each of them the same surface: `ALL`, `name()`, `FromStr` with an error that
//! lists the accepted names, `Display`, and serde as a plain string (so RON, JSON and the CLI all
//! spell `"reg-plane"` or `"x1_sq"` the same way).

use std::fmt;

/// How every RON file of the project is read: `Some(...)` may be left out around optional
/// values, so a teacher writes `problem: "regression"`, not `problem: Some("regression")`.
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// The 1-based line where the value of the field at `path` (e.g. `["palette", "learning_rates"]`)
/// starts in a RON text, as the RON parser itself positions it (so a word inside a string is
/// never mistaken for a field); 0 if the text has no such field or does not parse that far.
pub fn ron_field_line(text: &str, path: &[&str]) -> usize {
    match ron_options().from_str_seed(text, locate::Walk { path, depth: 0 }) {
        Err(e) if e.code == ron::Error::Message(locate::FOUND.into()) => e.span.start.line,
        _ => 0,
    }
}

mod locate {
    //! A visitor that walks any RON value and stops with a marker error when it reaches the
    //! wanted field: the parser's error then carries the field's position.

    use serde::de::{
        self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess,
        Visitor,
    };

    pub const FOUND: &str = "\u{1}found";

    pub struct Walk<'a> {
        pub path: &'a [&'a str],
        pub depth: usize,
    }

    impl Walk<'_> {
        /// A walker that never matches (for values off the path).
        fn off_path() -> Walk<'static> {
            Walk {
                path: &[],
                depth: 1,
            }
        }
    }

    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            if self.depth == self.path.len() {
                return Err(de::Error::custom(FOUND));
            }
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any RON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_i128<E>(self, _: i128) -> Result<(), E> {
            Ok(())
        }
        fn visit_u128<E>(self, _: u128) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_char<E>(self, _: char) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_bytes<E>(self, _: &[u8]) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_none<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
        fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
            while items.next_element_seed(Walk::off_path())?.is_some() {}
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                if self.path.get(self.depth) == Some(&key.as_str()) {
                    map.next_value_seed(Walk {
                        path: self.path,
                        depth: self.depth + 1,
                    })?;
                } else {
                    map.next_value_seed(Walk::off_path())?;
                }
            }
            Ok(())
        }
        fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
            let (_variant, content): (String, _) = data.variant()?;
            content.newtype_variant_seed(self)
        }
    }
}

/// A name that is not one of an enum's accepted names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    pub kind: &'static str,
    pub given: String,
    pub allowed: Vec<&'static str>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} \"{}\" (allowed: {})",
            self.kind,
            self.given,
            self.allowed.join(", ")
        )
    }
}

impl std::error::Error for UnknownName {}

/// Declares a fieldless enum whose variants have fixed external names.
#[macro_export]
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $kind:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The external name (CLI, files).
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Every accepted name, in declaration order.
            pub fn names() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.name()).collect()
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::names::UnknownName;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let wanted = text.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.name().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| $crate::names::UnknownName {
                        kind: $kind,
                        given: text.to_string(),
                        allowed: Self::names(),
                    })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct NameVisitor;
                impl<'v> ::serde::de::Visitor<'v> for NameVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        write!(f, "a {} name, one of: {}", $kind, $name::names().join(", "))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        text.parse().map_err(|e: $crate::names::UnknownName| E::custom(e))
                    }
                    // RON also lets a teacher write the name as a bare identifier.
                    fn visit_enum<A: ::serde::de::EnumAccess<'v>>(self, data: A) -> Result<$name, A::Error> {
                        use ::serde::de::VariantAccess;
                        let (text, variant): (String, _) = data.variant()?;
                        variant.unit_variant()?;
                        self.visit_str(&text)
                    }
                }
                deserializer.deserialize_any(NameVisitor)
            }
        }
    };
}
