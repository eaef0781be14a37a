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

/// The most inspections a year any class may be given (one a week).
pub const MOST_PER_YEAR: u32 = 52;

impl YearlyCaps {
    /// Checks ceilings an office sets: each from 1 to [`MOST_PER_YEAR`], and
    /// never fewer for a riskier class (a poorer record means more frequent
    /// inspections, never fewer). The reason is in Chinese, for the page.
    pub fn validate(&self) -> Result<(), String> {
        let all = [self.red, self.orange, self.yellow, self.blue];
        if all.iter().any(|c| *c == 0 || *c > MOST_PER_YEAR) {
            return Err(format!("每类企业的年度检查上限须在 1 到 {MOST_PER_YEAR} 次之间"));
        }
        if !(self.red >= self.orange && self.orange >= self.yellow && self.yellow >= self.blue) {
            return Err("风险越高上限不得越低：须红 ≥ 橙 ≥ 黄 ≥ 蓝".into());
        }
        Ok(())
    }

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
    fn an_offices_ceilings_are_bounded_and_never_lower_for_a_riskier_class() {
        assert!(YearlyCaps::default().validate().is_ok());
        assert!(YearlyCaps { red: 6, orange: 6, yellow: 3, blue: 1 }.validate().is_ok());
        assert!(YearlyCaps { red: 0, orange: 0, yellow: 0, blue: 0 }.validate().is_err());
        assert!(YearlyCaps { red: 53, orange: 8, yellow: 4, blue: 2 }.validate().is_err());
        let inverted = YearlyCaps { red: 4, orange: 8, yellow: 4, blue: 2 }.validate().unwrap_err();
        assert!(inverted.contains("红 ≥ 橙"), "{inverted}");
    }

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
