//! The enterprise file (一企一档): who the enterprise is, where, under which
//! grid and risk colour. Inspectors open it offline by scanning a QR code on
//! site, so it carries everything needed without a connection.

use serde::{Deserialize, Serialize};

use autosurgeon::{Hydrate, Reconcile};

use super::codes::code_enum;
use super::credit_code::CreditCode;
use super::ids::EnterpriseId;

code_enum!(
    /// Risk colour (风险等级), high to low; it sets how often the enterprise is
    /// inspected (red at least quarterly).
    RiskColour {
        /// 红: major risk.
        Red = ("red", "红"),
        /// 橙: high risk.
        Orange = ("orange", "橙"),
        /// 黄: medium risk.
        Yellow = ("yellow", "黄"),
        /// 蓝: low risk.
        Blue = ("blue", "蓝"),
    }
);

impl RiskColour {
    /// Longest interval between routine inspections, in days.
    pub fn max_days_between_inspections(&self) -> u32 {
        match self {
            RiskColour::Red => 92,
            RiskColour::Orange => 183,
            RiskColour::Yellow => 365,
            RiskColour::Blue => 730,
        }
    }
}

/// A person to contact at the enterprise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Position, e.g. 安全管理员.
    pub position: String,
    /// Phone number.
    pub phone: String,
}

/// WGS-84 coordinates, used to flag evidence photographed far from the site.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

/// One enterprise file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(deny_unknown_fields)]
pub struct Enterprise {
    /// Stable id.
    pub id: EnterpriseId,
    /// 统一社会信用代码, validated on load.
    pub credit_code: CreditCode,
    /// Registered name.
    pub name: String,
    /// Site address.
    pub address: String,
    /// Site coordinates, when surveyed.
    #[serde(default)]
    pub location: Option<Coordinates>,
    /// Industry code, matching a checklist's industry (e.g. `hazardous_chemicals`).
    pub industry: String,
    /// Grid (网格) responsible for day-to-day supervision.
    pub grid: String,
    /// 主要负责人 (the person who signs findings).
    pub responsible_person: Contact,
    /// Other contacts (safety manager, ...).
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Risk colour.
    pub risk: RiskColour,
}
