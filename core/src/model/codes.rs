//! Enumerations stored as stable string codes. Documents, the database and
//! later the wire format all carry the code (`in_progress`), never a Rust
//! discriminant, so reordering variants can never change stored meaning.

/// Declares an enum whose variants map to fixed codes and Chinese labels,
/// with serde and automerge (autosurgeon) mappings through the code.
macro_rules! code_enum {
    (
        $(#[$doc:meta])*
        $name:ident {
            $( $(#[$vdoc:meta])* $variant:ident = ($code:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vdoc])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in documents and the database.
            pub fn code(&self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese label shown to users and printed in documents.
            pub fn label(&self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses a stored code.
            pub fn from_code(code: &str) -> Result<Self, $crate::error::Error> {
                match code {
                    $($code => Ok($name::$variant),)+
                    other => Err($crate::error::Error::validation(
                        stringify!($name),
                        format!("unknown code {:?}", other.chars().take(40).collect::<String>()),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::from_code(&s).map_err(serde::de::Error::custom)
            }
        }

        impl autosurgeon::Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(self.code())
            }
        }

        impl autosurgeon::Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
                $name::from_code(s).map_err(|e| autosurgeon::HydrateError::unexpected(stringify!($name), e.to_string()))
            }
        }
    };
}

pub(crate) use code_enum;
