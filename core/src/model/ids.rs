//! Typed identifiers. Every entity gets its own newtype over a UUID v7 so an
//! inspection id can never be passed where a finding id is expected, and ids
//! sort by creation time (useful for stable lists built from CRDT maps).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Error;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $label:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered (v7) identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            /// Wraps an existing UUID (for example one read from the store).
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            /// The underlying UUID.
            pub fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|_| Error::InvalidId { kind: $label, value: s.chars().take(64).collect() })
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(s: String) -> Result<Self, Error> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.to_string()
            }
        }

        impl autosurgeon::Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(self.to_string())
            }
        }

        impl autosurgeon::Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
                s.parse().map_err(|e: Error| autosurgeon::HydrateError::unexpected($label, e.to_string()))
            }
        }
    };
}

id_type!(
    /// Identifies an enterprise file (一企一档).
    EnterpriseId, "enterprise"
);
id_type!(
    /// Identifies one inspection (one automerge document).
    InspectionId, "inspection"
);
id_type!(
    /// Identifies a hazard finding (隐患) inside an inspection.
    FindingId, "finding"
);
id_type!(
    /// Identifies a person: inspector, team lead, office user, enterprise user.
    PersonId, "person"
);
id_type!(
    /// Identifies a checklist template (all versions share it).
    ChecklistId, "checklist"
);
id_type!(
    /// Identifies an inspection plan (检查方案).
    PlanId, "plan"
);
id_type!(
    /// Identifies a sub-group of an inspection team.
    SubGroupId, "sub-group"
);
id_type!(
    /// Identifies an interview record (询问笔录).
    InterviewId, "interview"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = FindingId::new();
        assert_eq!(id.to_string().parse::<FindingId>().unwrap(), id);
        assert_eq!(id.as_uuid().get_version_num(), 7);
        let err = "not-a-uuid".parse::<InspectionId>().unwrap_err();
        assert!(matches!(err, Error::InvalidId { kind: "inspection", .. }));
    }

    #[test]
    fn v7_ids_sort_by_creation() {
        let a = FindingId::new();
        let b = FindingId::new();
        assert!(a < b);
    }
}
