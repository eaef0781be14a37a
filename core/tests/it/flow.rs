//! A complete inspection through the store: responses, findings, interviews,
//! status changes, projections, history, compaction and reopening.

use lianjian_core::doc::{Edit, FindingField};
use lianjian_core::model::*;
use lianjian_core::rules::deadline::{Deadline, DeadlineError};
use lianjian_core::store::Store;

use crate::support::*;

#[test]
fn one_inspection_end_to_end() {
    let (mut store, insp, c, t) = started_store("hazardous_chemicals");
    let grounding = c.item("WHP-11").unwrap();
    let gas = c.item("WHP-12").unwrap();

    // Inspector A measures grounding resistance out of range: fails automatically.
    let r = response(grounding, &t.a, 18.5, at("2026-03-02T09:40:00+08:00"));
    assert_eq!(r.verdict, Verdict::Fail);
    store.edit(&insp.id, &t.a, &[Edit::RecordResponse(r)], at("2026-03-02T09:40:00+08:00")).unwrap();
    // Inspector B measures the gas detector in range.
    let r = response(gas, &t.b, 12.0, at("2026-03-02T09:45:00+08:00"));
    assert_eq!(r.verdict, Verdict::Pass);
    store.edit(&insp.id, &t.b, &[Edit::RecordResponse(r)], at("2026-03-02T09:45:00+08:00")).unwrap();

    // A records the hazard; 二级 gives 15 calendar days from 03-02 -> 03-17.
    let f = finding(grounding, &t.a, at("2026-03-02T09:50:00+08:00"), "2号储罐防静电接地电阻18.5Ω，超过10Ω");
    assert_eq!(f.deadline, Deadline::By("2026-03-17".parse().unwrap()));
    store.edit(&insp.id, &t.a, &[Edit::AddFinding(f.clone())], at("2026-03-02T09:50:00+08:00")).unwrap();
    let sha = "ab".repeat(32);
    store
        .edit(
            &insp.id,
            &t.a,
            &[Edit::AttachEvidence { id: f.id, sha256: sha.clone() }],
            at("2026-03-02T09:51:00+08:00"),
        )
        .unwrap();

    // An interview record with two exchanges.
    let iv = InterviewRecord {
        id: InterviewId::new(),
        interviewee: Interviewee {
            name: "袁海燕".into(),
            id_number: "421202198001011234".into(),
            position: "主要负责人".into(),
            phone: "13400000000".into(),
        },
        interviewers: vec![t.lead.person, t.b.person],
        place: "企业会议室".into(),
        started_at: at("2026-03-02T10:30:00+08:00"),
        qa: vec![],
    };
    store.edit(&insp.id, &t.b, &[Edit::AddInterview(iv.clone())], at("2026-03-02T10:30:00+08:00")).unwrap();
    for (q, a) in [("储罐接地最近一次检测是什么时候？", "去年十月。"), ("检测报告在哪里？", "在安全科，马上拿来。")]
    {
        let qa = QuestionAnswer { question: q.into(), answer: a.into() };
        store.edit(&insp.id, &t.b, &[Edit::AppendQa { id: iv.id, qa }], at("2026-03-02T10:40:00+08:00")).unwrap();
    }

    // Projections: the hazard is due by 03-17, listed with the enterprise.
    let due = store.findings_due_by("2026-03-20".parse().unwrap()).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].grade, "二级");
    assert_eq!(due[0].enterprise_name, insp.enterprise_name);
    assert!(store.findings_due_by("2026-03-16".parse().unwrap()).unwrap().is_empty());
    assert!(store.overdue_findings("2026-03-17".parse().unwrap()).unwrap().is_empty());
    assert_eq!(store.overdue_findings("2026-03-18".parse().unwrap()).unwrap().len(), 1);

    // The lead raises the grade to 一级: not without the immediate measure.
    let raise = Edit::UpdateFinding { id: f.id, field: FindingField::Grade("一级".into()) };
    let err = store.edit(&insp.id, &t.lead, std::slice::from_ref(&raise), at("2026-03-02T11:00:00+08:00")).unwrap_err();
    assert!(matches!(err, lianjian_core::Error::Deadline(DeadlineError::ImmediateMeasureRequired { .. })), "{err}");
    let stop =
        Edit::UpdateFinding { id: f.id, field: FindingField::ImmediateMeasure(Some(ImmediateMeasure::StopWork)) };
    store.edit(&insp.id, &t.lead, &[stop, raise], at("2026-03-02T11:00:00+08:00")).unwrap();
    // Work stops at once, and the rectification deadline follows the grade
    // (30 days): 一级 is overdue only after it.
    let due = store.findings_due_by("2026-04-01".parse().unwrap()).unwrap();
    assert!(due[0].immediate);
    assert_eq!(due[0].due_date, "2026-04-01".parse().unwrap());
    assert!(store.overdue_findings("2026-03-20".parse().unwrap()).unwrap().is_empty());

    // Submit for signature; content is frozen until reopened.
    store
        .edit(
            &insp.id,
            &t.lead,
            &[Edit::SetStatus(InspectionStatus::AwaitingSignature)],
            at("2026-03-02T11:30:00+08:00"),
        )
        .unwrap();
    let late = response(gas, &t.b, 40.0, at("2026-03-02T11:35:00+08:00"));
    assert!(store.edit(&insp.id, &t.b, &[Edit::RecordResponse(late)], at("2026-03-02T11:35:00+08:00")).is_err());
    assert_eq!(store.inspections_by_status(InspectionStatus::AwaitingSignature).unwrap().len(), 1);

    let history = store.enterprise_history(&insp.enterprise.to_string()).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].findings_total, history[0].findings_open), (1, 1));
    assert_eq!(history[0].inspected_on, Some("2026-03-02".parse().unwrap()));

    // The inspection screen: header, listed findings, one finding in full.
    let header = store.open_inspection(&insp.id).unwrap();
    assert_eq!((header.responses, header.findings, header.interviews), (2, 1, 1));
    assert_eq!(header.status, InspectionStatus::AwaitingSignature);
    assert_eq!(header.team.len(), 3);
    let listed = store.inspection_findings(&insp.id).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(store.finding(&insp.id, &f.id).unwrap().grade, "一级");
    assert!(matches!(store.finding(&insp.id, &FindingId::new()), Err(lianjian_core::Error::NotFound { .. })));
    // Due within a week of 03-28, not within the first week of March.
    let week = store.findings_due_between("2026-03-28".parse().unwrap(), "2026-04-04".parse().unwrap()).unwrap();
    assert_eq!(week.len(), 1);
    assert!(store
        .findings_due_between("2026-03-01".parse().unwrap(), "2026-03-08".parse().unwrap())
        .unwrap()
        .is_empty());

    // Everything hydrates back as typed data.
    let back = store.inspection(&insp.id).unwrap();
    assert_eq!(back.responses.len(), 2);
    assert_eq!(back.findings[&f.id.to_string()].evidence, vec![sha]);
    assert_eq!(back.findings[&f.id.to_string()].grade, "一级");
    assert_eq!(back.interviews[&iv.id.to_string()].qa.len(), 2);
    assert!(back.started_at.is_some() && back.ended_at.is_some());

    // Rebuilt projections equal the incrementally maintained ones.
    let before = store.projection_dump().unwrap();
    store.rebuild_projections().unwrap();
    assert_eq!(store.projection_dump().unwrap(), before);
}

#[test]
fn reopened_store_appends_small_chunks_and_compacts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    let (insp, c, t) = {
        let mut store = Store::open(&path).unwrap();
        let e = enterprise("fire_safety");
        let c = checklist("fire_safety");
        let t = team("fire_safety");
        let insp = new_inspection(&e, &c, &t, at("2026-03-02T08:00:00+08:00"));
        store.put_checklist(&c, at("2026-03-01T08:00:00+08:00")).unwrap();
        store.create_inspection(&insp, &t.lead, at("2026-03-02T08:00:00+08:00")).unwrap();
        store
            .edit(&insp.id, &t.lead, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-02T08:05:00+08:00"))
            .unwrap();
        for i in 0..120 {
            let item = c.items().nth(i % 16).unwrap();
            let mut f = finding(
                item,
                &t.a,
                at("2026-03-02T09:00:00+08:00"),
                &format!("第{i}处：安全出口被货物堵塞，疏散宽度不足"),
            );
            f.location = format!("{}号库房", i);
            store.edit(&insp.id, &t.a, &[Edit::AddFinding(f)], at("2026-03-02T09:00:00+08:00")).unwrap();
            assert!(store.chunk_count(&insp.id.to_string()).unwrap() <= 51, "compaction keeps chunks bounded");
        }
        (insp, c, t)
    };
    // Reopen: the next chunk must hold only the new change (design.md 5:
    // save_incremental after load would re-emit the whole history).
    let mut store = Store::open(&path).unwrap();
    let total: i64 = store.connection().query_row("SELECT sum(length(bytes)) FROM chunks", [], |r| r.get(0)).unwrap();
    // If this edit happens to trigger compaction the newest chunk is the new
    // snapshot; the edit after it is then certainly a plain increment.
    let mut last: (i64, String) = (0, String::new());
    for (i, item) in c.items().take(2).enumerate() {
        let when = at("2026-03-02T10:00:00+08:00");
        store.edit(&insp.id, &t.a, &[Edit::RecordResponse(response(item, &t.a, i as f64, when))], when).unwrap();
        last = store
            .connection()
            .query_row("SELECT length(bytes), kind FROM chunks ORDER BY id DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        if last.1 == "incremental" {
            break;
        }
    }
    assert_eq!(last.1, "incremental");
    let last = last.0;
    assert!(last < 1024, "incremental chunk after reopen is {last} bytes (document {total} bytes)");
    assert_eq!(store.inspection(&insp.id).unwrap().findings.len(), 120);
    assert_eq!(store.findings_due_by("2026-12-31".parse().unwrap()).unwrap().len(), 120);
}

#[test]
fn catalogue_lookup_offline() {
    let mut store = Store::open_in_memory().unwrap();
    let all = enterprises();
    for e in &all {
        store.put_enterprise(e, at("2026-01-05T09:00:00+08:00")).unwrap();
    }
    let e = &all[7];
    // Scanned QR payloads are often lower-case or padded.
    let found = store.enterprise_by_credit_code(&format!(" {} ", e.credit_code.as_str().to_lowercase())).unwrap();
    assert_eq!(&found, e);
    let by_name = store.search_enterprises("化工", 50).unwrap();
    assert!(by_name.len() >= 2 && by_name.iter().all(|r| r.name.contains("化工")));
    assert!(store.search_enterprises("%", 50).unwrap().is_empty(), "LIKE wildcards are escaped");
    let mut dup = all[1].clone();
    dup.id = EnterpriseId::new();
    dup.credit_code = all[0].credit_code.clone();
    assert!(store.put_enterprise(&dup, at("2026-01-05T09:00:00+08:00")).is_err());

    let c = checklist("mining");
    store.put_checklist(&c, at("2026-01-05T09:00:00+08:00")).unwrap();
    store.put_checklist(&c, at("2026-01-05T09:00:00+08:00")).unwrap(); // idempotent
    let mut changed = c.clone();
    changed.title.push_str("（修订）");
    assert!(
        store.put_checklist(&changed, at("2026-01-05T09:00:00+08:00")).is_err(),
        "published versions are immutable"
    );
    changed.version = c.version + 1;
    store.put_checklist(&changed, at("2026-01-06T09:00:00+08:00")).unwrap();
    assert_eq!(store.latest_checklists("mining").unwrap()[0].version, c.version + 1);
    assert_eq!(store.checklist(&c.id, c.version).unwrap(), c);
}
