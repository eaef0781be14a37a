//! Property: three replicas of one inspection, edited concurrently in random
//! sequences and merged in random orders, end identical: same heads, same
//! hydrated inspection, same projections, same conflicts; and their
//! incrementally maintained projections equal a rebuild. Every edit passes
//! the device's authorization as it is made (a refusal fails the case), and
//! every change of the merged history passes the server's authorization by
//! the person its device is enrolled to: honest edits in any order the rules
//! allow are never refused. Closed-loop steps taken concurrently end in one
//! life cycle on every replica (the projections hold its state).

use lianjian_core::doc::authorize::{authorize_changes, Author, Context};
use lianjian_core::doc::{Edit, Editor, FindingField};
use lianjian_core::model::{FindingId, Inspection};
use lianjian_core::store::Store;
use lianjian_core::Error;
use proptest::prelude::*;

use crate::support::*;

#[derive(Debug, Clone)]
enum Op {
    Respond {
        replica: usize,
        item: usize,
        for_whom: usize,
        value: u8,
    },
    AddFinding {
        replica: usize,
        item: usize,
    },
    Grade {
        replica: usize,
        finding: usize,
        grade: usize,
    },
    Deadline {
        replica: usize,
        finding: usize,
        day: u8,
    },
    Describe {
        replica: usize,
        finding: usize,
        n: u8,
    },
    Evidence {
        replica: usize,
        finding: usize,
        n: u8,
    },
    /// A step of the closed loop an officer takes (the order, a fix on site).
    Loop {
        replica: usize,
        finding: usize,
        on_site: bool,
    },
    Sync {
        from: usize,
        to: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let r = 0..3usize;
    prop_oneof![
        3 => (r.clone(), 0..16usize, 0..3usize, 0..40u8).prop_map(|(replica, item, for_whom, value)| Op::Respond { replica, item, for_whom, value }),
        1 => (r.clone(), 0..16usize).prop_map(|(replica, item)| Op::AddFinding { replica, item }),
        2 => (r.clone(), 0..4usize, 0..3usize).prop_map(|(replica, finding, grade)| Op::Grade { replica, finding, grade }),
        1 => (r.clone(), 0..4usize, 1..28u8).prop_map(|(replica, finding, day)| Op::Deadline { replica, finding, day }),
        1 => (r.clone(), 0..4usize, 0..5u8).prop_map(|(replica, finding, n)| Op::Describe { replica, finding, n }),
        1 => (r.clone(), 0..4usize, 0..5u8).prop_map(|(replica, finding, n)| Op::Evidence { replica, finding, n }),
        1 => (r.clone(), 0..4usize, any::<bool>()).prop_map(|(replica, finding, on_site)| Op::Loop { replica, finding, on_site }),
        2 => (r.clone(), r).prop_map(|(from, to)| Op::Sync { from, to }),
    ]
}

struct World {
    stores: Vec<Store>,
    editors: Vec<Editor>,
    insp: Inspection,
    checklist: lianjian_core::model::ChecklistTemplate,
    base_findings: Vec<FindingId>,
}

fn world() -> World {
    let (mut lead, insp, c, t) = started_store("hazardous_chemicals");
    let mut base_findings = Vec::new();
    for i in 0..4 {
        let f = finding(c.items().nth(i).unwrap(), &t.a, at("2026-03-02T09:30:00+08:00"), &format!("基础隐患{i}"));
        base_findings.push(f.id);
        lead.edit(&insp.id, &t.a, &[Edit::AddFinding(f)], at("2026-03-02T09:30:00+08:00")).unwrap();
    }
    let mut stores = vec![lead];
    for _ in 0..2 {
        let mut s = Store::open_in_memory().unwrap();
        s.put_enterprise(&enterprise("hazardous_chemicals"), at("2026-03-02T08:30:00+08:00")).unwrap();
        s.put_checklist(&c, at("2026-03-02T08:30:00+08:00")).unwrap();
        sync_into(&mut stores[0], &mut s, &insp.id);
        stores.push(s);
    }
    World { stores, editors: vec![t.lead, t.a, t.b], insp, checklist: c, base_findings }
}

fn run(w: &mut World, op: &Op, step: usize) {
    let when = at("2026-03-02T10:00:00+08:00");
    let when = lianjian_core::model::Timestamp::from_unix_millis(when.unix_millis() + step as i64 * 1000);
    let (replica, edit) = match op {
        Op::Sync { from, to } => {
            if from != to {
                let (a, b) = if from < to {
                    let (x, y) = w.stores.split_at_mut(*to);
                    (&mut x[*from], &mut y[0])
                } else {
                    let (x, y) = w.stores.split_at_mut(*from);
                    (&mut y[0], &mut x[*to])
                };
                sync_into(a, b, &w.insp.id);
            }
            return;
        }
        Op::Respond { replica, item, for_whom, value } => {
            let who = if *replica == 0 { *for_whom } else { *replica };
            let item = w.checklist.items().nth(*item).unwrap();
            (*replica, Edit::RecordResponse(response(item, &w.editors[who], *value as f64 / 2.0, when)))
        }
        Op::AddFinding { replica, item } => {
            let item = w.checklist.items().nth(*item).unwrap();
            (*replica, Edit::AddFinding(finding(item, &w.editors[*replica], when, "新发现隐患")))
        }
        Op::Grade { replica, finding, grade } => {
            let id = w.base_findings[*finding];
            let g = ["一级", "二级", "三级"][*grade];
            let mut edits = vec![Edit::UpdateFinding { id, field: FindingField::Grade(g.into()) }];
            if g == "一级" {
                let measure = Some(lianjian_core::model::ImmediateMeasure::StopWork);
                edits.insert(0, Edit::UpdateFinding { id, field: FindingField::ImmediateMeasure(measure) });
            }
            return apply(w, op, *replica, &edits, when);
        }
        Op::Deadline { replica, finding, day } => {
            let date = format!("2026-03-{day:02}").parse().unwrap();
            let field = FindingField::DeadlineOverride { date, reason: "企业承诺提前完成".into() };
            (*replica, Edit::UpdateFinding { id: w.base_findings[*finding], field })
        }
        Op::Describe { replica, finding, n } => (
            *replica,
            Edit::UpdateFinding {
                id: w.base_findings[*finding],
                field: FindingField::Description(format!("描述修订{n}")),
            },
        ),
        Op::Evidence { replica, finding, n } => {
            (*replica, Edit::AttachEvidence { id: w.base_findings[*finding], sha256: format!("{n:x}").repeat(64) })
        }
        Op::Loop { replica, finding, on_site } => {
            use lianjian_core::rules::lifecycle::EventKind;
            let kind = if *on_site { EventKind::ConfirmedOnSite } else { EventKind::Ordered };
            let mut e =
                lianjian_core::doc::closed_loop::new_event(w.base_findings[*finding], kind, &w.editors[*replica], when);
            e.evidence = vec!["ab".repeat(32)];
            (*replica, Edit::RecordHazardEvent(e))
        }
    };
    apply(w, op, replica, &[edit], when)
}

fn apply(w: &mut World, op: &Op, replica: usize, edits: &[Edit], when: lianjian_core::model::Timestamp) {
    match w.stores[replica].edit(&w.insp.id, &w.editors[replica], edits, when) {
        // Refusals the rules give honest users: a conflicted field, a
        // deadline before the find or beyond the grade's limit.
        // And a loop step the hazard has gone past.
        Ok(_) | Err(Error::Conflicted { .. }) | Err(Error::Deadline(_)) | Err(Error::InvalidTransition { .. }) => {}
        Err(e) => panic!("unexpected error in {op:?}: {e}"),
    }
}

fn conflict_summary(s: &mut Store, id: &lianjian_core::model::InspectionId) -> Vec<String> {
    let mut out: Vec<String> = s
        .conflicts(id)
        .unwrap()
        .iter()
        .map(|c| {
            let mut vals: Vec<String> =
                c.candidates.iter().map(|x| format!("{:?}/{:?}/{:?}", x.value, x.person, x.at)).collect();
            vals.sort();
            format!("{:?} {} {}", c.target, c.field, vals.join(","))
        })
        .collect();
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, max_shrink_iters: 200, ..ProptestConfig::default() })]
    #[test]
    fn replicas_converge(ops in proptest::collection::vec(op(), 1..40), order in proptest::collection::vec(0..3usize, 6)) {
        let mut w = world();
        for (step, op) in ops.iter().enumerate() {
            run(&mut w, op, step);
        }
        // Merge pairwise in the random order, then gossip all-to-all twice
        // (starting from a random replica) so everyone has everything.
        for pair in order.windows(2) {
            run(&mut w, &Op::Sync { from: pair[0], to: pair[1] }, 0);
        }
        for start in &order[..2] {
            for k in 0..3 {
                let to = (start + k) % 3;
                for from in 0..3 {
                    run(&mut w, &Op::Sync { from, to }, 0);
                }
            }
        }
        let id = w.insp.id;
        let mut heads: Vec<_> = w.stores.iter_mut().map(|s| { let mut h = s.heads(&id.to_string()).unwrap(); h.sort(); h }).collect();
        heads.dedup();
        prop_assert_eq!(heads.len(), 1, "heads differ");
        let first = w.stores[0].inspection(&id).unwrap();
        let dump0 = w.stores[0].projection_dump().unwrap();
        let conflicts0 = conflict_summary(&mut w.stores[0], &id);
        for i in 1..3 {
            prop_assert_eq!(&w.stores[i].inspection(&id).unwrap(), &first);
            prop_assert_eq!(&w.stores[i].projection_dump().unwrap(), &dump0);
        }
        let doc = w.stores[0].inspection_doc(&id).unwrap().into_automerge();
        let office = lianjian_core::office::OfficeData::default();
        let checklists = [std::sync::Arc::new(w.checklist.clone())];
        let ctx = Context { office: &office, checklists: &checklists };
        for change in doc.get_changes(&[]) {
            let i = (0..3).find(|i| w.stores[*i].actor() == change.actor_id()).unwrap();
            let author = Author { person: w.editors[i].person, role: w.editors[i].role, enterprise: None, department: None };
            let verdict = authorize_changes(&doc, change.deps(), std::slice::from_ref(&change), &author, &ctx);
            prop_assert!(verdict.is_ok(), "{:?} refused: {:?}", change.message(), verdict);
        }
        for i in 0..3 {
            prop_assert_eq!(&conflict_summary(&mut w.stores[i], &id), &conflicts0);
            let before = w.stores[i].projection_dump().unwrap();
            w.stores[i].rebuild_projections().unwrap();
            prop_assert_eq!(w.stores[i].projection_dump().unwrap(), before);
        }
    }
}
