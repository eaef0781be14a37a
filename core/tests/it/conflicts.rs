//! Concurrent edits of legally significant fields are shown to a person with
//! both values, authors and times, and resolved on the record.

use lianjian_core::doc::{ConflictTarget, Edit, FieldValue, FindingField};
use lianjian_core::model::ImmediateMeasure;
use lianjian_core::store::Store;
use lianjian_core::Error;

use crate::support::*;

#[test]
fn grade_conflict_is_reported_and_resolved() {
    let (mut lead, insp, c, t) = started_store("construction");
    let item = c.item("JZ-12").unwrap();
    let f = finding(item, &t.a, at("2026-03-02T10:00:00+08:00"), "3号开关箱漏电保护器动作电流45mA");
    lead.edit(&insp.id, &t.a, &[Edit::AddFinding(f.clone())], at("2026-03-02T10:00:00+08:00")).unwrap();

    // Inspector A's tablet gets a copy, then both work offline.
    let mut a = Store::open_in_memory().unwrap();
    sync_into(&mut lead, &mut a, &insp.id);
    lead.edit(
        &insp.id,
        &t.lead,
        &[
            Edit::UpdateFinding { id: f.id, field: FindingField::ImmediateMeasure(Some(ImmediateMeasure::Evacuate)) },
            Edit::UpdateFinding { id: f.id, field: FindingField::Grade("一级".into()) },
        ],
        at("2026-03-02T10:20:00+08:00"),
    )
    .unwrap();
    a.edit(
        &insp.id,
        &t.a,
        &[Edit::UpdateFinding { id: f.id, field: FindingField::Grade("三级".into()) }],
        at("2026-03-02T10:25:00+08:00"),
    )
    .unwrap();
    // A non-significant field edited concurrently does not conflict.
    a.edit(
        &insp.id,
        &t.a,
        &[Edit::UpdateFinding { id: f.id, field: FindingField::Location("配电房".into()) }],
        at("2026-03-02T10:26:00+08:00"),
    )
    .unwrap();

    sync_into(&mut a, &mut lead, &insp.id);
    sync_into(&mut lead, &mut a, &insp.id);
    for store in [&mut lead, &mut a] {
        let conflicts = store.conflicts(&insp.id).unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        let cf = &conflicts[0];
        assert_eq!(cf.target, ConflictTarget::Finding(f.id));
        assert_eq!(cf.field, "grade");
        let mut seen: Vec<(String, String, String)> = cf
            .candidates
            .iter()
            .map(|c| match &c.value {
                FieldValue::Text(v) => (v.clone(), c.name.clone().unwrap(), c.at.unwrap().to_string()),
                other => panic!("{other:?}"),
            })
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            vec![
                ("一级".into(), "陈立新".into(), "2026-03-02T10:20:00+08:00".into()),
                ("三级".into(), "刘海燕".into(), "2026-03-02T10:25:00+08:00".into()),
            ]
        );
        let row = &store.findings_due_by("2026-12-31".parse().unwrap()).unwrap()[0];
        assert!(row.conflicted);
        // Both devices wrote a deadline with their grade; only the grade is
        // a conflict, and the deadline in force follows the winning grade.
        assert!(conflicts.iter().all(|c| c.field != "deadline"));
    }
    let due = |s: &mut Store| s.findings_due_by("2026-12-31".parse().unwrap()).unwrap()[0].due_date;
    assert_eq!(due(&mut lead), due(&mut a));
    assert_eq!(lead.inspection(&insp.id).unwrap().findings[&f.id.to_string()].location, "配电房");

    // Nobody may overwrite a conflicted significant field without resolving.
    let e = a
        .edit(
            &insp.id,
            &t.a,
            &[Edit::UpdateFinding { id: f.id, field: FindingField::Grade("二级".into()) }],
            at("2026-03-02T10:40:00+08:00"),
        )
        .unwrap_err();
    assert!(matches!(e, Error::Conflicted { field: "grade" }));
    // Only the team lead resolves.
    let cf = a.conflicts(&insp.id).unwrap().remove(0);
    assert!(matches!(
        a.resolve(&insp.id, &t.a, &cf, FieldValue::Text("二级".into()), at("2026-03-02T10:41:00+08:00")),
        Err(Error::Forbidden { .. })
    ));
    // The lead decides 二级, a value neither wrote.
    lead.resolve(&insp.id, &t.lead, &cf, FieldValue::Text("二级".into()), at("2026-03-02T10:45:00+08:00")).unwrap();
    sync_into(&mut lead, &mut a, &insp.id);
    for store in [&mut lead, &mut a] {
        assert!(store.conflicts(&insp.id).unwrap().is_empty());
        let doc = store.inspection_doc(&insp.id).unwrap();
        let res = doc.resolutions().unwrap();
        assert_eq!(res.len(), 1);
        assert_eq!((res[0].chosen.as_str(), res[0].by, res[0].field.as_str()), ("二级", t.lead.person, "grade"));
        let mut cands = res[0].candidates.clone();
        cands.sort();
        assert_eq!(cands, vec!["一级".to_string(), "三级".to_string()]);
        assert_eq!(store.inspection(&insp.id).unwrap().findings[&f.id.to_string()].grade, "二级");
        let row = &store.findings_due_by("2026-12-31".parse().unwrap()).unwrap()[0];
        assert!(!row.conflicted);
        // 二级 from 2026-03-02: 15 days.
        assert_eq!(row.due_date, "2026-03-17".parse().unwrap());
    }
}

#[test]
fn measured_value_conflict_and_duplicate_response_creation() {
    let (mut lead, insp, c, t) = started_store("mining");
    let methane = c.item("KS-07").unwrap();
    lead.edit(
        &insp.id,
        &t.a,
        &[Edit::RecordResponse(response(methane, &t.a, 0.6, at("2026-03-02T10:00:00+08:00")))],
        at("2026-03-02T10:00:00+08:00"),
    )
    .unwrap();
    let mut a = Store::open_in_memory().unwrap();
    a.put_checklist(&c, at("2026-03-02T08:00:00+08:00")).unwrap(); // the tablet holds the catalogue
    sync_into(&mut lead, &mut a, &insp.id);
    // The lead corrects A's reading while A re-measures: both change measured and verdict.
    lead.edit(
        &insp.id,
        &t.lead,
        &[Edit::RecordResponse(response(methane, &t.a, 1.2, at("2026-03-02T10:30:00+08:00")))],
        at("2026-03-02T10:30:00+08:00"),
    )
    .unwrap();
    a.edit(
        &insp.id,
        &t.a,
        &[Edit::RecordResponse(response(methane, &t.a, 0.8, at("2026-03-02T10:31:00+08:00")))],
        at("2026-03-02T10:31:00+08:00"),
    )
    .unwrap();
    // Meanwhile inspector B answers another item on two devices (two actors).
    let co = c.item("KS-10").unwrap();
    lead.edit(
        &insp.id,
        &t.b,
        &[Edit::RecordResponse(response(co, &t.b, 10.0, at("2026-03-02T10:32:00+08:00")))],
        at("2026-03-02T10:32:00+08:00"),
    )
    .unwrap();
    a.edit(
        &insp.id,
        &t.b,
        &[Edit::RecordResponse(response(co, &t.b, 30.0, at("2026-03-02T10:33:00+08:00")))],
        at("2026-03-02T10:33:00+08:00"),
    )
    .unwrap();

    sync_into(&mut a, &mut lead, &insp.id);
    let mut conflicts = lead.conflicts(&insp.id).unwrap();
    conflicts.sort_by(|x, y| x.field.cmp(&y.field));
    let fields: Vec<&str> = conflicts.iter().map(|c| c.field.as_str()).collect();
    // A's 0.8 gives the verdict the document already had (pass before the
    // lead's change), so only the lead wrote a verdict: no verdict conflict.
    assert_eq!(fields, vec!["measured", "response"]);
    let measured = conflicts.iter().find(|c| c.field == "measured").unwrap();
    let mut values: Vec<f64> = measured
        .candidates
        .iter()
        .map(|c| match c.value {
            FieldValue::Number(n) => n,
            _ => panic!(),
        })
        .collect();
    values.sort_by(f64::total_cmp);
    assert_eq!(values, vec![0.8, 1.2]);

    for cf in &conflicts {
        let chosen = match cf.field.as_str() {
            "measured" => FieldValue::Number(1.2),
            _ => FieldValue::Text("fail".into()),
        };
        lead.resolve(&insp.id, &t.lead, cf, chosen, at("2026-03-02T11:00:00+08:00")).unwrap();
    }
    assert!(lead.conflicts(&insp.id).unwrap().is_empty());
    let back = lead.inspection(&insp.id).unwrap();
    let r = &back.responses[&lianjian_core::model::response_key("KS-07", &t.a.person)];
    assert_eq!((r.measured, r.verdict.code()), (Some(1.2), "fail"));
    let r = &back.responses[&lianjian_core::model::response_key("KS-10", &t.b.person)];
    assert_eq!((r.measured, r.verdict.code()), (Some(30.0), "fail"));
    assert_eq!(lead.inspection_doc(&insp.id).unwrap().resolutions().unwrap().len(), 2);
}
