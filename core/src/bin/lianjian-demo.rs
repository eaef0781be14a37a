//! The command-line demo (the README's main command until the sync server
//! exists): loads the fixtures, runs a two-inspector offline inspection on
//! two device stores, merges them, surfaces and resolves a conflict, and
//! prints what happened.
//!
//! Usage: `lianjian-demo [--data DIR] [--fixtures DIR]`

use std::path::PathBuf;

use lianjian_core::doc::{Edit, Editor, FieldValue, FindingField};
use lianjian_core::import::{fixtures_dir, load_checklists, load_enterprises};
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::rules::verdict::{response_for, Answer};
use lianjian_core::store::findings::FindingDraft;
use lianjian_core::store::Store;
use lianjian_core::Result;

fn main() {
    if let Err(e) = run() {
        eprintln!("demo failed: {e}");
        std::process::exit(1);
    }
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).expect("valid demo time")
}

fn run() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut data, mut fixtures) = (None, fixtures_dir());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--data" => data = args.next().map(PathBuf::from),
            "--fixtures" => fixtures = args.next().map(PathBuf::from).unwrap_or(fixtures),
            other => return Err(lianjian_core::Error::validation("argument", format!("unknown argument {other}"))),
        }
    }
    let data = data.unwrap_or_else(|| std::env::temp_dir().join(format!("lianjian-demo-{}", std::process::id())));
    std::fs::create_dir_all(&data)?;
    println!("联检 Lianjian demo — device databases in {}", data.display());

    let mut tablet_lead = Store::open(&data.join("tablet-lead.db"))?;
    let mut tablet_a = Store::open(&data.join("tablet-a.db"))?;
    let scheme = tablet_lead.grade_scheme().clone();

    // The office's catalogue, on both tablets before they go on site.
    let enterprises = load_enterprises(&fixtures.join("enterprises.json"))?;
    let checklists = load_checklists(&fixtures.join("checklists"), &scheme)?;
    let office_time = ts("2026-03-01T17:00:00+08:00");
    for store in [&mut tablet_lead, &mut tablet_a] {
        for e in &enterprises {
            store.put_enterprise(e, office_time)?;
        }
        for c in &checklists {
            store.put_checklist(c, office_time)?;
        }
    }
    println!(
        "已载入 {} 家企业档案、{} 份检查表（{} 个检查项）",
        enterprises.len(),
        checklists.len(),
        checklists.iter().map(|c| c.items().count()).sum::<usize>()
    );

    // On site: scan the enterprise's QR code (its credit code) offline.
    let scanned =
        enterprises.iter().find(|e| e.industry == "hazardous_chemicals").expect("fixture").credit_code.to_string();
    let ent = tablet_lead.enterprise_by_credit_code(&scanned)?;
    let checklist = tablet_lead.latest_checklists(&ent.industry)?.remove(0);
    println!("扫码 {scanned} → {}（{}，{}，风险等级：{}）", ent.name, ent.address, ent.grid, ent.risk.label());

    let member = |name: &str, dept, role, cert: &str| TeamMember {
        person: PersonId::new(),
        name: name.into(),
        department: dept,
        role,
        certificate_no: Some(cert.into()),
        qualifications: vec![ent.industry.clone()],
    };
    let lead_m = member("陈立新", Department::EmergencyManagement, TeamRole::Lead, "42120001001");
    let a_m = member("刘海燕", Department::FireRescue, TeamRole::Inspector, "42120007012");
    lianjian_core::rules::team::validate_team([&lead_m, &a_m], &ent.industry, true)?;
    let lead = Editor { person: lead_m.person, name: lead_m.name.clone(), role: Role::TeamLead };
    let a = Editor { person: a_m.person, name: a_m.name.clone(), role: Role::Inspector };

    let start = ts("2026-03-02T09:00:00+08:00");
    let inspection = Inspection::planned(
        &ent,
        vec![ChecklistRef { id: checklist.id, version: checklist.version }],
        &[lead_m.clone(), a_m.clone()],
        &scheme.id,
        start,
    );
    let id = inspection.id;
    tablet_lead.create_inspection(&inspection, &lead, start)?;
    tablet_lead.edit(&id, &lead, &[Edit::SetStatus(InspectionStatus::InProgress)], start)?;
    let share = |from: &mut Store, to: &mut Store, when: &str| -> Result<bool> {
        let bytes = from.export(&id.to_string())?;
        to.receive(&id.to_string(), &bytes, ts(when))
    };
    share(&mut tablet_lead, &mut tablet_a, "2026-03-02T09:05:00+08:00")?;
    println!("\n09:00 {} 创建检查并分组：{} 资料检查，{} 现场检查；两台平板离线工作", lead.name, lead.name, a.name);

    // Site group (tablet A): measurements and a hazard.
    let grounding = checklist.item("WHP-11").expect("fixture item");
    let gas = checklist.item("WHP-12").expect("fixture item");
    let t = ts("2026-03-02T09:40:00+08:00");
    for (item, value) in [(grounding, 18.5), (gas, 12.0)] {
        let r = response_for(item, a.person, &Answer::Measured(value), "现场实测".into(), t)?;
        let (unit, limit) = match &item.kind {
            ItemKind::Measurement { unit, threshold } => (unit.as_str(), threshold.describe(unit)),
            _ => ("", String::new()),
        };
        println!(
            "09:40 [平板A] {} {}：实测 {value} {unit}（要求 {limit}）→ {}",
            item.code,
            item.text,
            r.verdict.label()
        );
        tablet_a.edit(&id, &a, &[Edit::RecordResponse(r)], t)?;
    }
    let found = ts("2026-03-02T09:50:00+08:00");
    let hazard = tablet_a.add_finding(
        &id,
        &a,
        FindingDraft {
            description: "2号储罐防静电接地电阻实测18.5Ω，超过10Ω".into(),
            location: "罐区2号储罐".into(),
            item_code: Some(grounding.code.clone()),
            grade: grounding.default_grade.clone(),
            requirement: "立即修复接地装置并委托检测，整改后报检查组复查".into(),
            immediate_measure: None,
            deadline_override: None,
        },
        found,
    )?;
    println!("09:50 [平板A] 记录隐患：{}（{}，整改期限 {}）", hazard.description, hazard.grade, hazard.deadline.code());

    // Document group (tablet lead): paperwork check and a hazard of its own.
    let t = ts("2026-03-02T09:55:00+08:00");
    let filing = checklist.item("WHP-07").expect("fixture item");
    tablet_lead.edit(
        &id,
        &lead,
        &[Edit::RecordResponse(response_for(
            filing,
            lead.person,
            &Answer::Verdict(Verdict::Fail),
            "重大危险源未备案".into(),
            t,
        )?)],
        t,
    )?;
    let paper = tablet_lead.add_finding(
        &id,
        &lead,
        FindingDraft {
            description: "一级重大危险源未按规定登记备案，应急预案未备案".into(),
            location: "安全管理资料".into(),
            item_code: Some(filing.code.clone()),
            grade: filing.default_grade.clone(),
            requirement: "15日内完成重大危险源备案".into(),
            immediate_measure: None,
            deadline_override: None,
        },
        t,
    )?;
    println!("09:55 [组长平板] 记录隐患：{}（{}，整改期限 {}）", paper.description, paper.grade, paper.deadline.code());

    // Site Wi-Fi at the canteen: both tablets exchange their work.
    share(&mut tablet_a, &mut tablet_lead, "2026-03-02T10:10:00+08:00")?;
    share(&mut tablet_lead, &mut tablet_a, "2026-03-02T10:10:00+08:00")?;
    println!("10:10 两台平板在企业无线网络下合并：双方各 {} 条隐患", tablet_a.inspection(&id)?.findings.len());

    // Offline again: both re-grade the grounding hazard differently.
    tablet_lead.set_finding_grade(
        &id,
        &lead,
        &hazard.id,
        "一级",
        Some(ImmediateMeasure::StopUsingEquipment),
        ts("2026-03-02T10:20:00+08:00"),
    )?;
    tablet_a.edit(
        &id,
        &a,
        &[Edit::UpdateFinding { id: hazard.id, field: FindingField::Grade("三级".into()) }],
        ts("2026-03-02T10:25:00+08:00"),
    )?;
    println!("10:20 [组长平板] 将接地隐患定为 一级（停止使用相关设施、设备）；10:25 [平板A] 离线将其改为 三级");
    share(&mut tablet_a, &mut tablet_lead, "2026-03-02T10:40:00+08:00")?;
    share(&mut tablet_lead, &mut tablet_a, "2026-03-02T10:40:00+08:00")?;

    let conflicts = tablet_lead.conflicts(&id)?;
    println!("10:40 合并后发现 {} 处需要人工处理的冲突：", conflicts.len());
    for c in &conflicts {
        for cand in &c.candidates {
            let v = match &cand.value {
                FieldValue::Text(t) => t.clone(),
                FieldValue::Number(n) => n.to_string(),
                FieldValue::Empty => "（空）".into(),
            };
            println!(
                "  {} = {}（{}，{}）",
                c.field,
                v,
                cand.name.as_deref().unwrap_or("未知"),
                cand.at.map(|t| t.to_string()).unwrap_or_default()
            );
        }
    }
    if let Some(c) = conflicts.first() {
        tablet_lead.resolve(&id, &lead, c, FieldValue::Text("二级".into()), ts("2026-03-02T10:45:00+08:00"))?;
        share(&mut tablet_lead, &mut tablet_a, "2026-03-02T10:50:00+08:00")?;
        let settled = tablet_a.finding(&id, &hazard.id)?;
        let deadline = tablet_a.finding_deadline(&id, &settled)?;
        println!(
            "10:45 组长 {} 裁定为 二级，并记录裁定人；平板A同步后冲突 {} 处，整改期限随等级为 {}",
            lead.name,
            tablet_a.conflicts(&id)?.len(),
            deadline.deadline.code()
        );
    }

    tablet_lead.edit(
        &id,
        &lead,
        &[Edit::SetStatus(InspectionStatus::AwaitingSignature)],
        ts("2026-03-02T11:30:00+08:00"),
    )?;
    share(&mut tablet_lead, &mut tablet_a, "2026-03-02T11:31:00+08:00")?;
    let merged_lead = tablet_lead.inspection(&id)?;
    let merged_a = tablet_a.inspection(&id)?;
    println!("\n11:30 提交企业签字。两台平板内容一致：{}", if merged_lead == merged_a { "是" } else { "否" });
    println!("检查项应答 {} 条，隐患 {} 条：", merged_lead.responses.len(), merged_lead.findings.len());
    for row in tablet_lead.findings_due_by(ts("2026-12-31T00:00:00+08:00").0.date_naive())? {
        println!(
            "  [{}] {} — 期限 {}{}",
            row.grade,
            row.description,
            row.due_date,
            if row.immediate { "（已采取现场处理措施）" } else { "" }
        );
    }
    for h in tablet_lead.enterprise_history(&ent.id.to_string())? {
        let status = InspectionStatus::from_code(&h.status)?.label();
        let on = h.inspected_on.map(|d| d.to_string()).unwrap_or_default();
        println!("企业检查历史：{on} {status}，隐患 {} 条，未销号 {} 条", h.findings_total, h.findings_open);
    }
    if merged_lead != merged_a {
        return Err(lianjian_core::Error::Schema("replicas diverged".into()));
    }
    Ok(())
}
