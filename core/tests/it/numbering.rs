//! Offline numbering: devices take disjoint blocks while online, number
//! documents offline, void some, and report their ledgers in any order;
//! no number is ever issued twice and every honest report is accepted by
//! the rule the server applies (`numbering::check_use`).

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use lianjian_core::model::{PersonId, Timestamp};
use lianjian_core::numbering::{check_use, next_block, NumberBlock, NumberKey, NumberUse};
use lianjian_core::store::Store;

fn key(form: &str, year: i32) -> NumberKey {
    NumberKey { department: "emergency_management".into(), form: form.into(), year }
}

/// What a device does next.
#[derive(Clone, Debug)]
enum Step {
    /// Online: takes a block of `size` for form 0/1 of year 2026/2027.
    Block { device: usize, form: usize, year: usize, size: u32 },
    /// Offline: numbers a new document.
    Issue { device: usize, form: usize, year: usize },
    /// Offline: numbers a document it already numbered (a reprint).
    Reprint { device: usize },
    /// Offline: voids its last number.
    Void { device: usize },
    /// Online: reports its ledger.
    Report { device: usize },
}

fn step(devices: usize) -> impl Strategy<Value = Step> {
    let d = 0..devices;
    prop_oneof![
        (d.clone(), 0..2usize, 0..2usize, 1..5u32).prop_map(|(device, form, year, size)| Step::Block {
            device,
            form,
            year,
            size
        }),
        (d.clone(), 0..2usize, 0..2usize).prop_map(|(device, form, year)| Step::Issue { device, form, year }),
        (d.clone(), 0..2usize, 0..2usize).prop_map(|(device, form, year)| Step::Issue { device, form, year }),
        d.clone().prop_map(|device| Step::Reprint { device }),
        d.clone().prop_map(|device| Step::Void { device }),
        d.prop_map(|device| Step::Report { device }),
    ]
}

/// The server's side, with the rules it calls.
#[derive(Default)]
struct Server {
    granted: BTreeMap<NumberKey, u32>,
    blocks: BTreeMap<usize, Vec<NumberBlock>>,
    uses: BTreeMap<(NumberKey, u32), NumberUse>,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_number_is_ever_issued_twice(devices in 1..5usize, steps in prop::collection::vec(step(4), 1..80)) {
        let forms = ["rectification_order", "on_site_decision"];
        let years = [2026, 2027];
        let at = Timestamp::parse("2026-03-18T10:00:00+08:00").unwrap();
        let by = PersonId::new();
        let mut stores: Vec<Store> = (0..devices).map(|_| Store::open_in_memory().unwrap()).collect();
        let mut server = Server::default();
        let mut docs = 0usize;
        let mut last: BTreeMap<usize, (NumberKey, u32, String)> = BTreeMap::new();
        for s in steps {
            match s {
                Step::Block { device, form, year, size } if device < devices => {
                    let k = key(forms[form], years[year]);
                    let block = next_block(server.granted.get(&k).copied(), k.clone(), size);
                    server.granted.insert(k, block.end);
                    server.blocks.entry(device).or_default().push(block.clone());
                    stores[device].add_number_block(&block).unwrap();
                }
                Step::Issue { device, form, year } if device < devices => {
                    let k = key(forms[form], years[year]);
                    docs += 1;
                    let doc = format!("doc-{docs}/{}", forms[form]);
                    match stores[device].issue_number(&k, &doc, &by, at) {
                        Ok(n) => { last.insert(device, (k, n.seq, doc)); }
                        Err(lianjian_core::Error::Numbering(_)) => {}
                        Err(e) => panic!("{e}"),
                    }
                }
                Step::Reprint { device } if device < devices => {
                    if let Some((k, seq, doc)) = last.get(&device).cloned() {
                        let again = stores[device].issue_number(&k, &doc, &by, at);
                        // The same document keeps its number, unless it was voided.
                        if let Ok(n) = again {
                            let voided = stores[device].number_uses(false).unwrap().iter().any(|u| u.seq == seq && u.key == k && u.voided.is_some());
                            if !voided { prop_assert_eq!(n.seq, seq); }
                            last.insert(device, (k, n.seq, doc));
                        }
                    }
                }
                Step::Void { device } if device < devices => {
                    if let Some((k, seq, _)) = last.get(&device) {
                        stores[device].void_number(k, *seq, "打印错误，作废重开").unwrap();
                    }
                }
                Step::Report { device } if device < devices => {
                    let uses = stores[device].number_uses(true).unwrap();
                    let granted = server.blocks.get(&device).cloned().unwrap_or_default();
                    for u in &uses {
                        let existing = server.uses.get(&(u.key.clone(), u.seq));
                        prop_assert!(check_use(&granted, existing, u).is_ok(), "honest use refused: {u:?}");
                        server.uses.insert((u.key.clone(), u.seq), u.clone());
                    }
                    stores[device].mark_numbers_reported(&uses).unwrap();
                }
                _ => {}
            }
        }
        // Every number issued anywhere is issued once, voided ones included.
        let mut seen = BTreeSet::new();
        for store in &stores {
            for u in store.number_uses(false).unwrap() {
                prop_assert!(seen.insert((u.key.clone(), u.seq)), "issued twice: {:?}", u);
            }
        }
        // Reports in any order: what the server holds is a subset of that.
        for (k, u) in &server.uses {
            prop_assert!(seen.contains(k), "{u:?}");
        }
    }
}

#[test]
fn a_device_warns_when_numbers_run_low_and_refuses_when_none_are_left() {
    let mut store = Store::open_in_memory().unwrap();
    let at = Timestamp::parse("2026-03-18T10:00:00+08:00").unwrap();
    let by = PersonId::new();
    let k = key("rectification_order", 2026);
    let e = store.issue_number(&k, "a/rectification_order", &by, at).unwrap_err();
    assert!(e.to_string().contains("请联网领取新的编号段"), "{e}");
    store.add_number_block(&NumberBlock { key: k.clone(), start: 1, end: 6 }).unwrap();
    let first = store.issue_number(&k, "a/rectification_order", &by, at).unwrap();
    assert_eq!((first.seq, first.remaining, first.low), (1, 5, false));
    let second = store.issue_number(&k, "b/rectification_order", &by, at).unwrap();
    assert_eq!((second.seq, second.remaining, second.low), (2, 4, true));
    // Voiding needs a reason, and the number is never given again.
    assert!(store.void_number(&k, 2, " ").is_err());
    store.void_number(&k, 2, "打印错误").unwrap();
    assert_eq!(store.issue_number(&k, "c/rectification_order", &by, at).unwrap().seq, 3);
    // A new year is a new sequence.
    assert!(store.issue_number(&key("rectification_order", 2027), "d/rectification_order", &by, at).is_err());
    let ledger = store.number_uses(false).unwrap();
    assert_eq!(
        ledger.iter().map(|u| (u.seq, u.voided.clone())).collect::<Vec<_>>(),
        vec![(1, None), (2, Some("打印错误".into())), (3, None)]
    );
}
