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

/// The township (乡镇 or 街道) a grid belongs to, as the office groups its
/// statistics: the grid's name without its "第N网格" tail
/// (咸安区温泉街道第4网格 → 咸安区温泉街道). A name without that tail is a
/// township already.
pub fn township_of(grid: &str) -> &str {
    let Some(stem) = grid.strip_suffix("网格") else { return grid };
    let digits = stem.trim_end_matches(|c: char| c.is_ascii_digit());
    match digits.strip_suffix('第') {
        Some(town) if digits.len() < stem.len() && !town.is_empty() => town,
        _ => grid,
    }
}

/// The Chinese name of an industry code, as the office's tables print it
/// (the fixtures' codes; another code prints as itself).
pub fn industry_label(code: &str) -> &str {
    match code {
        "hazardous_chemicals" => "危险化学品",
        "construction" => "建筑施工",
        "mining" => "矿山",
        "road_transport" => "道路运输",
        "special_equipment" => "特种设备",
        "fire_safety" => "消防安全",
        "industry_trade" => "工贸",
        other => other,
    }
}

#[cfg(test)]
mod township_tests {
    use super::township_of;

    #[test]
    fn a_grid_belongs_to_its_township() {
        assert_eq!(township_of("咸安区温泉街道第4网格"), "咸安区温泉街道");
        assert_eq!(township_of("赤壁市蒲圻街道第12网格"), "赤壁市蒲圻街道");
        assert_eq!(township_of("咸安区温泉街道"), "咸安区温泉街道");
        assert_eq!(township_of("第网格"), "第网格");
    }
}
