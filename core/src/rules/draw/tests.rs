use proptest::prelude::*;

use super::*;

fn enterprise(i: usize, class: &str, done: u32) -> PoolEnterprise {
    PoolEnterprise {
        id: format!("e{i:03}"),
        name: format!("企业{i}"),
        industry: if i.is_multiple_of(2) { "construction".into() } else { "industry_trade".into() },
        class: class.into(),
        inspected_this_year: done,
    }
}

fn inspector(i: usize, dept: &str, cert: bool, conflicts: &[&str]) -> PoolInspector {
    PoolInspector {
        id: format!("p{i:03}"),
        name: format!("检查员{i}"),
        department: dept.into(),
        certificate: cert.then(|| format!("4212{i:07}")),
        conflicts: conflicts.iter().map(|e| (e.to_string(), seal_reason("近亲属在该企业任职", "salt"))).collect(),
    }
}

fn rules() -> DrawRules {
    DrawRules {
        ratio: vec![("red".into(), 100), ("yellow".into(), 30), ("blue".into(), 10)],
        cap: vec![("red".into(), 12), ("yellow".into(), 4), ("blue".into(), 2)],
        team_size: 2,
        departments: vec![
            ("construction".into(), vec!["housing_construction".into(), "emergency_management".into()]),
            ("industry_trade".into(), vec!["emergency_management".into()]),
        ],
    }
}

fn pool() -> Pool {
    let mut enterprises = Vec::new();
    for i in 0..40 {
        let class = match i % 8 {
            0 => "red",
            1..=3 => "yellow",
            _ => "blue",
        };
        enterprises.push(enterprise(i, class, if i == 5 { 2 } else { 0 }));
    }
    let inspectors = vec![
        inspector(1, "emergency_management", true, &["e002", "e010"]),
        inspector(2, "emergency_management", true, &[]),
        inspector(3, "emergency_management", true, &[]),
        inspector(4, "housing_construction", true, &["e004"]),
        inspector(5, "housing_construction", false, &[]),
        inspector(6, "market_regulation", true, &[]),
    ];
    Pool { enterprises, inspectors }.normalized()
}

fn seed(n: u64) -> [u8; 32] {
    sha256(&n.to_be_bytes())
}

#[test]
fn a_draw_keeps_the_ratio_the_ceiling_the_conflicts_and_two_certified_officers_of_the_field() {
    let (p, r) = (pool(), rules());
    let out = run(&p, &r, &seed(7));
    let class = |id: &str| p.enterprises.iter().find(|e| e.id == id).unwrap().class.clone();
    let count = |c: &str| out.picks.iter().filter(|x| class(&x.enterprise) == c).count();
    // 5 red all, 15 yellow at 30% → 5, 20 blue (one at its ceiling) at 10% → 2.
    assert_eq!((count("red"), count("yellow"), count("blue")), (5, 5, 2));
    assert_eq!(out.at_cap, ["e005"]);
    assert!(out.unstaffed.is_empty(), "{out:?}");
    for pick in &out.picks {
        let e = p.enterprises.iter().find(|e| e.id == pick.enterprise).unwrap();
        assert_eq!(pick.inspectors.len(), 2);
        assert_ne!(pick.inspectors[0], pick.inspectors[1]);
        for id in &pick.inspectors {
            let i = p.inspectors.iter().find(|i| &i.id == id).unwrap();
            assert!(i.certificate.is_some(), "uncertified {id}");
            assert!(!i.conflicts.iter().any(|(x, _)| *x == e.id), "{id} drawn for {}", e.id);
            let allowed = &r.departments.iter().find(|(ind, _)| *ind == e.industry).unwrap().1;
            assert!(allowed.contains(&i.department), "{id} of {} for {}", i.department, e.industry);
        }
    }
    // A conflict that applied is recorded with its reason's seal, never the
    // reason itself (the pool and the result are published).
    for x in &out.exclusions {
        assert_eq!(x.rule, "conflict");
        assert!(x.reason.starts_with("回避（理由已登记，封存号 "), "{}", x.reason);
        assert!(!x.reason.contains("近亲属"), "{}", x.reason);
        assert!(out.picks.iter().any(|p| p.enterprise == x.enterprise));
    }
}

#[test]
fn the_commitment_binds_the_pool_the_rules_and_the_seed() {
    let (p, r) = (pool(), rules());
    let c = commitment(&p, &r, &seed_hash(&seed(1)));
    assert_eq!(c, commitment(&p, &r, &seed_hash(&seed(1))));
    assert_ne!(c, commitment(&p, &r, &seed_hash(&seed(2))));
    let mut other = p.clone();
    other.inspectors[0].conflicts.clear();
    assert_ne!(c, commitment(&other, &r, &seed_hash(&seed(1))));
    let mut looser = r.clone();
    looser.ratio[1].1 = 31;
    assert_ne!(c, commitment(&p, &looser, &seed_hash(&seed(1))));
    assert_ne!(draw_seed(&seed(1), "12 34"), draw_seed(&seed(1), "12 35"));
}

/// Chi-square over many seeds: every eligible blue enterprise is drawn
/// about equally often (19 degrees of freedom; 43.82 is the 0.1% point).
#[test]
fn every_enterprise_of_a_class_is_equally_likely_to_be_drawn() {
    let (p, r) = (pool(), rules());
    let blue: Vec<&str> = p
        .enterprises
        .iter()
        .filter(|e| e.class == "blue" && e.inspected_this_year < 2)
        .map(|e| e.id.as_str())
        .collect();
    let runs = 4000u64;
    let mut seen = std::collections::BTreeMap::new();
    for n in 0..runs {
        for pick in run(&p, &r, &seed(n)).picks {
            if blue.contains(&pick.enterprise.as_str()) {
                *seen.entry(pick.enterprise).or_insert(0u64) += 1;
            }
        }
    }
    let expected = runs as f64 * 2.0 / blue.len() as f64;
    let chi: f64 = blue
        .iter()
        .map(|id| {
            let o = *seen.get(*id).unwrap_or(&0) as f64;
            (o - expected).powi(2) / expected
        })
        .sum();
    assert_eq!(blue.len(), 19);
    assert!(chi < 42.31, "chi-square {chi:.1} over {} enterprises (18 dof, 0.1%: 42.31)", blue.len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Any pool, any seed: the same inputs draw the same result, and no
    /// officer is ever drawn for an enterprise they declared a conflict with.
    #[test]
    fn a_draw_is_reproducible_and_never_breaks_a_conflict(s in any::<u64>(), n in 1usize..30, conflicted in 0usize..30) {
        let enterprises = (0..n).map(|i| enterprise(i, if i % 3 == 0 { "red" } else { "blue" }, 0)).collect();
        let target = format!("e{:03}", conflicted % n);
        let inspectors = vec![
            inspector(1, "emergency_management", true, &[target.as_str()]),
            inspector(2, "emergency_management", true, &[]),
            inspector(3, "housing_construction", true, &[]),
            inspector(4, "emergency_management", true, &[]),
        ];
        let p = Pool { enterprises, inspectors }.normalized();
        let r = rules();
        let a = run(&p, &r, &seed(s));
        prop_assert_eq!(&a, &run(&p, &r, &seed(s)));
        for pick in &a.picks {
            if pick.enterprise == target {
                prop_assert!(!pick.inspectors.contains(&"p001".to_string()));
            }
        }
    }
}
