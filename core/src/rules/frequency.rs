//! How often an enterprise may be inspected in a year (检查频次上限): since
//! 国办发〔2024〕54号 every office publishes a yearly ceiling per class of
//! enterprise, counted across every kind of inspection, and is alerted to
//! repeated or frequent inspections. The ceilings are local; the defaults
//! here follow Shanxi's 2025 ceilings for hazardous-chemical enterprises by
//! level (2/4/8/12 a year), mapped onto the risk colours, and are only
//! defaults: an office sets its own.

use crate::model::enterprise::RiskColour;

/// The yearly ceiling per risk colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearlyCaps {
    /// 红.
    pub red: u32,
    /// 橙.
    pub orange: u32,
    /// 黄.
    pub yellow: u32,
    /// 蓝.
    pub blue: u32,
}

impl Default for YearlyCaps {
    fn default() -> Self {
        YearlyCaps { red: 12, orange: 8, yellow: 4, blue: 2 }
    }
}

/// Where an enterprise stands against its ceiling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapUse {
    /// Below 80%.
    Under,
    /// At 80% or more (the office is warned).
    Near,
    /// At the ceiling: another inspection needs a reason (a complaint, an
    /// accident, a referral).
    Reached,
}

impl YearlyCaps {
    /// The ceiling for `risk`.
    pub fn cap(&self, risk: RiskColour) -> u32 {
        match risk {
            RiskColour::Red => self.red,
            RiskColour::Orange => self.orange,
            RiskColour::Yellow => self.yellow,
            RiskColour::Blue => self.blue,
        }
    }

    /// Where `count` inspections this year stand against the ceiling for `risk`.
    pub fn standing(&self, risk: RiskColour, count: u32) -> CapUse {
        let cap = self.cap(risk);
        if count >= cap {
            CapUse::Reached
        } else if count * 5 >= cap * 4 {
            CapUse::Near
        } else {
            CapUse::Under
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_warns_at_eighty_percent_and_stops_at_a_hundred() {
        let caps = YearlyCaps::default();
        assert_eq!(caps.standing(RiskColour::Blue, 0), CapUse::Under);
        assert_eq!(caps.standing(RiskColour::Blue, 1), CapUse::Under);
        assert_eq!(caps.standing(RiskColour::Blue, 2), CapUse::Reached);
        assert_eq!(caps.standing(RiskColour::Yellow, 3), CapUse::Under);
        assert_eq!(caps.standing(RiskColour::Orange, 7), CapUse::Near);
        assert_eq!(caps.standing(RiskColour::Red, 9), CapUse::Under);
        assert_eq!(caps.standing(RiskColour::Red, 10), CapUse::Near);
        assert_eq!(caps.standing(RiskColour::Red, 13), CapUse::Reached);
    }
}
