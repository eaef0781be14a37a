//! Document mappings for rule types that are stored as text.

use autosurgeon::{reconcile::NoKey, Hydrate, HydrateError, Reconcile, Reconciler};

use crate::model::Deadline;
use crate::rules::credit_code::CreditCode;

impl Reconcile for Deadline {
    type Key<'a> = NoKey;
    fn reconcile<R: Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
        r.str(self.code())
    }
}

impl Hydrate for Deadline {
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        Deadline::parse(s).map_err(|e| HydrateError::unexpected("deadline", e.to_string()))
    }
}

impl Reconcile for CreditCode {
    type Key<'a> = NoKey;
    fn reconcile<R: Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
        r.str(self.as_str())
    }
}

impl Hydrate for CreditCode {
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        CreditCode::parse(s).map_err(|e| HydrateError::unexpected("credit code", e.to_string()))
    }
}
