//! From an answer to a verdict. A measurement outside its threshold fails the
//! item automatically, so an inspector cannot mark an out-of-range reading
//! 符合 by mistake; choice items fail when a failing option is chosen.

use crate::error::{Error, Result};
use crate::model::{ChecklistItem, ItemKind, PersonId, Response, Timestamp, Verdict};

/// What an inspector entered for an item.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// A yes/no/not-applicable verdict given directly (yes/no, text and photo items).
    Verdict(Verdict),
    /// An instrument reading.
    Measured(f64),
    /// Chosen options.
    Choices(Vec<String>),
    /// The item does not apply here.
    NotApplicable,
}

/// The verdict an answer gives on `item`, or a validation error when the
/// answer does not fit the item's kind.
pub fn verdict_for(item: &ChecklistItem, answer: &Answer) -> Result<Verdict> {
    match (&item.kind, answer) {
        (_, Answer::NotApplicable) => Ok(Verdict::NotApplicable),
        (ItemKind::Measurement { threshold, .. }, Answer::Measured(v)) => {
            if !v.is_finite() {
                return Err(Error::validation("measured", "must be a finite number"));
            }
            Ok(if threshold.accepts(*v) { Verdict::Pass } else { Verdict::Fail })
        }
        (ItemKind::SingleChoice { options, failing }, Answer::Choices(c)) => {
            if c.len() != 1 {
                return Err(Error::validation("choices", "choose exactly one option"));
            }
            choice_verdict(options, failing, c)
        }
        (ItemKind::MultipleChoice { options, failing }, Answer::Choices(c)) => choice_verdict(options, failing, c),
        (ItemKind::YesNo | ItemKind::Text | ItemKind::Photo, Answer::Verdict(v)) => Ok(*v),
        (kind, _) => {
            Err(Error::validation("answer", format!("does not fit item {} of kind {}", item.code, kind_name(kind))))
        }
    }
}

/// Builds the response `inspector` gives with `answer` on `item`, with the
/// verdict computed by [`verdict_for`].
pub fn response_for(
    item: &ChecklistItem,
    inspector: PersonId,
    answer: &Answer,
    note: String,
    at: Timestamp,
) -> Result<Response> {
    let verdict = verdict_for(item, answer)?;
    let (measured, choices) = match answer {
        Answer::Measured(v) => (Some(*v), vec![]),
        Answer::Choices(c) => (None, c.clone()),
        _ => (None, vec![]),
    };
    Ok(Response {
        item_code: item.code.clone(),
        inspector,
        verdict,
        measured,
        choices,
        text: None,
        note,
        evidence: vec![],
        recorded_at: at,
    })
}

/// Makes a response's verdict the one its item gives: a reading outside the
/// threshold fails the item, a failing option fails it, whatever verdict the
/// caller wrote. A reading or a choice that does not fit the item is refused.
pub fn settle_response(item: &ChecklistItem, response: &mut Response) -> Result<()> {
    if response.verdict == Verdict::NotApplicable && response.measured.is_none() && response.choices.is_empty() {
        return Ok(());
    }
    let answer = match (&item.kind, response.measured, response.choices.is_empty()) {
        (ItemKind::Measurement { .. }, Some(v), _) => Answer::Measured(v),
        (ItemKind::Measurement { .. }, None, _) => {
            return Err(Error::validation("measured", format!("item {} needs a reading", item.code)))
        }
        (ItemKind::SingleChoice { .. } | ItemKind::MultipleChoice { .. }, _, false) => {
            Answer::Choices(response.choices.clone())
        }
        (ItemKind::SingleChoice { .. } | ItemKind::MultipleChoice { .. }, _, true) => {
            return Err(Error::validation("choices", format!("item {} needs a choice", item.code)))
        }
        (_, Some(_), _) => return Err(Error::validation("measured", format!("item {} takes no reading", item.code))),
        _ => Answer::Verdict(response.verdict),
    };
    response.verdict = verdict_for(item, &answer)?;
    Ok(())
}

fn choice_verdict(options: &[String], failing: &[String], chosen: &[String]) -> Result<Verdict> {
    if let Some(bad) = chosen.iter().find(|c| !options.contains(c)) {
        return Err(Error::validation("choices", format!("{bad:?} is not an option")));
    }
    Ok(if chosen.iter().any(|c| failing.contains(c)) { Verdict::Fail } else { Verdict::Pass })
}

fn kind_name(kind: &ItemKind) -> &'static str {
    match kind {
        ItemKind::YesNo => "yes/no",
        ItemKind::Measurement { .. } => "measurement",
        ItemKind::SingleChoice { .. } => "single choice",
        ItemKind::MultipleChoice { .. } => "multiple choice",
        ItemKind::Text => "text",
        ItemKind::Photo => "photo",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LegalBasis, Threshold};

    fn item(kind: ItemKind) -> ChecklistItem {
        ChecklistItem {
            code: "T-1".into(),
            text: "测试".into(),
            legal_basis: LegalBasis { law: "《安全生产法》".into(), article: "第三十六条".into() },
            kind,
            default_grade: "三级".into(),
            major_hazard_criterion: false,
        }
    }

    #[test]
    fn measurements_fail_out_of_range() {
        let grounding = item(ItemKind::Measurement { unit: "Ω".into(), threshold: Threshold::AtMost { limit: 10.0 } });
        let table = [(4.2, Verdict::Pass), (10.0, Verdict::Pass), (10.01, Verdict::Fail), (250.0, Verdict::Fail)];
        for (v, want) in table {
            assert_eq!(verdict_for(&grounding, &Answer::Measured(v)).unwrap(), want, "{v}");
        }
        let oxygen =
            item(ItemKind::Measurement { unit: "%".into(), threshold: Threshold::Between { min: 19.5, max: 23.5 } });
        assert_eq!(verdict_for(&oxygen, &Answer::Measured(18.0)).unwrap(), Verdict::Fail);
        assert_eq!(verdict_for(&oxygen, &Answer::Measured(20.9)).unwrap(), Verdict::Pass);
        assert!(verdict_for(&oxygen, &Answer::Measured(f64::NAN)).is_err());
        assert!(verdict_for(&oxygen, &Answer::Verdict(Verdict::Pass)).is_err());
        assert_eq!(verdict_for(&oxygen, &Answer::NotApplicable).unwrap(), Verdict::NotApplicable);
    }

    #[test]
    fn choices() {
        let opts = vec!["绿区".to_string(), "红区".to_string(), "黄区".to_string()];
        let gauge =
            item(ItemKind::SingleChoice { options: opts.clone(), failing: vec!["红区".into(), "黄区".into()] });
        assert_eq!(verdict_for(&gauge, &Answer::Choices(vec!["绿区".into()])).unwrap(), Verdict::Pass);
        assert_eq!(verdict_for(&gauge, &Answer::Choices(vec!["红区".into()])).unwrap(), Verdict::Fail);
        assert!(verdict_for(&gauge, &Answer::Choices(vec!["绿区".into(), "红区".into()])).is_err());
        assert!(verdict_for(&gauge, &Answer::Choices(vec!["蓝区".into()])).is_err());
        let multi = item(ItemKind::MultipleChoice { options: opts, failing: vec!["红区".into()] });
        assert_eq!(verdict_for(&multi, &Answer::Choices(vec!["绿区".into(), "红区".into()])).unwrap(), Verdict::Fail);
        assert_eq!(verdict_for(&item(ItemKind::YesNo), &Answer::Verdict(Verdict::Fail)).unwrap(), Verdict::Fail);
    }

    #[test]
    fn a_reading_out_of_range_fails_whatever_the_caller_wrote() {
        let grounding = item(ItemKind::Measurement { unit: "Ω".into(), threshold: Threshold::AtMost { limit: 10.0 } });
        let at = Timestamp::parse("2026-03-02T09:00:00+08:00").unwrap();
        let mut r = response_for(&grounding, PersonId::new(), &Answer::Measured(4.0), String::new(), at).unwrap();
        r.measured = Some(18.5);
        assert_eq!(r.verdict, Verdict::Pass, "as a patched caller wrote it");
        settle_response(&grounding, &mut r).unwrap();
        assert_eq!(r.verdict, Verdict::Fail);
        r.measured = None;
        assert!(settle_response(&grounding, &mut r).is_err(), "a measurement item needs its reading");
        let mut yes_no =
            response_for(&item(ItemKind::YesNo), PersonId::new(), &Answer::Verdict(Verdict::Fail), String::new(), at)
                .unwrap();
        settle_response(&item(ItemKind::YesNo), &mut yes_no).unwrap();
        assert_eq!(yes_no.verdict, Verdict::Fail);
        yes_no.measured = Some(1.0);
        assert!(settle_response(&item(ItemKind::YesNo), &mut yes_no).is_err());
    }
}
