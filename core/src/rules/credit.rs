//! The office's rule for an enterprise's class in the draw (企业安全信用档案):
//! the risk colour on its file, raised one step for each kind of poor
//! record — an accident in the last three years, a 重大事故隐患 in the last
//! three years, a hazard repeated (the same check item found again within a
//! year), two or more hazards left overdue, a substantiated complaint — and
//! lowered one step after three clean years (inspected, nothing found). A
//! poor record means more frequent inspections. Every step comes with its
//! reason, shown to the office and kept with the draw.

use chrono::NaiveDate;

use crate::model::enterprise::RiskColour;

/// What the rule reads of one enterprise's record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// The colour on its file.
    pub colour: Option<RiskColour>,
    /// Accidents (生产安全事故) and the day of each.
    pub accidents: Vec<NaiveDate>,
    /// 重大事故隐患 found, the day of each.
    pub major_hazards: Vec<NaiveDate>,
    /// Hazards found: (check item code, day found).
    pub hazards: Vec<(Option<String>, NaiveDate)>,
    /// Hazards open and past their deadline today.
    pub overdue: u32,
    /// Substantiated complaints (投诉举报) in the last three years.
    pub complaints: u32,
    /// Days on which it was inspected.
    pub inspected: Vec<NaiveDate>,
}

/// The class and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classed {
    /// The class the draw uses.
    pub class: RiskColour,
    /// Each step from the file's colour, in Chinese.
    pub reasons: Vec<String>,
}

fn up(c: RiskColour) -> RiskColour {
    match c {
        RiskColour::Blue => RiskColour::Yellow,
        RiskColour::Yellow => RiskColour::Orange,
        _ => RiskColour::Red,
    }
}

fn down(c: RiskColour) -> RiskColour {
    match c {
        RiskColour::Red => RiskColour::Orange,
        RiskColour::Orange => RiskColour::Yellow,
        _ => RiskColour::Blue,
    }
}

/// The class of an enterprise with `record` on `today`.
pub fn classify(record: &Record, today: NaiveDate) -> Classed {
    let three_years = today - chrono::Days::new(3 * 365);
    let start = record.colour.unwrap_or(RiskColour::Yellow);
    let mut class = start;
    let mut reasons = vec![format!("档案风险等级：{}", start.label())];
    let recent = |days: &[NaiveDate]| days.iter().filter(|d| **d > three_years).count();
    let mut raise = |why: String, class: &mut RiskColour| {
        *class = up(*class);
        reasons.push(format!("上调一级：{why}"));
    };
    if recent(&record.accidents) > 0 {
        raise(format!("近三年发生生产安全事故 {} 起", recent(&record.accidents)), &mut class);
    }
    if recent(&record.major_hazards) > 0 {
        raise(format!("近三年发现重大事故隐患 {} 项", recent(&record.major_hazards)), &mut class);
    }
    let mut items: Vec<(&str, NaiveDate)> =
        record.hazards.iter().filter_map(|(c, d)| c.as_deref().map(|c| (c, *d))).collect();
    items.sort();
    let repeated = items.windows(2).filter(|w| w[0].0 == w[1].0 && (w[1].1 - w[0].1).num_days() <= 365).count();
    if repeated > 0 {
        raise(format!("同一检查项一年内重复发现隐患 {repeated} 次"), &mut class);
    }
    if record.overdue >= 2 {
        raise(format!("逾期未整改隐患 {} 项", record.overdue), &mut class);
    }
    if record.complaints > 0 {
        raise(format!("近三年查实投诉举报 {} 件", record.complaints), &mut class);
    }
    let clean = class == start
        && record.accidents.iter().all(|d| *d <= three_years)
        && record.hazards.iter().all(|(_, d)| *d <= three_years)
        && record.overdue == 0
        && record.complaints == 0
        && (0..3).all(|y| {
            let from = today - chrono::Days::new(365 * (y + 1));
            let to = today - chrono::Days::new(365 * y);
            record.inspected.iter().any(|d| *d > from && *d <= to)
        });
    if clean {
        class = down(class);
        reasons.push("下调一级：连续三年受检且无隐患、无事故".into());
    }
    Classed { class, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_poor_record_raises_the_class_and_three_clean_years_lower_it() {
        let today = d("2026-12-04");
        let plain = Record { colour: Some(RiskColour::Blue), ..Default::default() };
        assert_eq!(classify(&plain, today).class, RiskColour::Blue);
        let poor = Record {
            colour: Some(RiskColour::Blue),
            major_hazards: vec![d("2025-05-01")],
            hazards: vec![(Some("A1".into()), d("2026-01-10")), (Some("A1".into()), d("2026-09-01"))],
            overdue: 2,
            ..Default::default()
        };
        let c = classify(&poor, today);
        assert_eq!(c.class, RiskColour::Red);
        assert_eq!(c.reasons.len(), 4, "{:?}", c.reasons);
        assert!(c.reasons[2].contains("重复发现"));
        // An accident four years ago no longer counts.
        let old = Record { colour: Some(RiskColour::Yellow), accidents: vec![d("2022-06-01")], ..Default::default() };
        assert_eq!(classify(&old, today).class, RiskColour::Yellow);
        let clean = Record {
            colour: Some(RiskColour::Orange),
            inspected: vec![d("2024-03-01"), d("2025-03-01"), d("2026-03-01")],
            ..Default::default()
        };
        let c = classify(&clean, today);
        assert_eq!(c.class, RiskColour::Yellow);
        assert!(c.reasons.last().unwrap().contains("连续三年"));
    }
}
