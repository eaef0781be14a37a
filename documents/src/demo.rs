//! A demo inspection built through the real store, the way a team records
//! one on site: two officers, hazards with their deadlines, and the findings
//! list signed by both officers and the enterprise's responsible person
//! (or refused). The CLI's `demo`, a template set's trial, the tests and
//! the benchmarks print it; it needs no files.

use chrono::NaiveDate;

use lianjian_core::doc::{Edit, Editor};
use lianjian_core::model::signature::SignerRole;
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::signing::strokes::Pad;
use lianjian_core::signing::{RecordRef, Signer, Stroke, StrokePoint};
use lianjian_core::store::findings::FindingDraft;
use lianjian_core::store::Store;
use lianjian_core::Result;

/// The pad the demo signatures are written on.
pub const PAD: Pad = Pad { width: 400.0, height: 160.0 };

/// A time in China.
pub fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).expect("a valid demo time")
}

/// Handwriting-like strokes, different for each `seed`.
pub fn handwriting(seed: u32) -> Vec<Stroke> {
    (0..3)
        .map(|s| Stroke {
            points: (0..30)
                .map(|i| StrokePoint {
                    x: 30.0 + s as f32 * 110.0 + i as f32 * 3.0,
                    y: 80.0 + ((i + seed * 7 + s * 3) as f32 * 0.5).sin() * 45.0,
                    t: s * 700 + i * 9,
                    pressure: 0.4 + (i % 4) as f32 * 0.1,
                })
                .collect(),
        })
        .collect()
}

/// The demo enterprise (the first of the fixtures, written here so the demo
/// and a template's trial need no checkout).
pub fn demo_enterprise() -> Enterprise {
    Enterprise {
        id: "0193a000-0001-7000-8000-000000000001".parse().expect("a valid id"),
        credit_code: "91421202QJWYLF5566".parse().expect("a valid credit code"),
        name: "咸宁市鑫源化工有限公司".into(),
        address: "湖北省咸宁市咸安区温泉街道发展大道16号".into(),
        location: Some(Coordinates { lat: 29.86127, lon: 114.29643 }),
        industry: "hazardous_chemicals".into(),
        grid: "咸安区温泉街道第4网格".into(),
        responsible_person: Contact {
            name: "袁海燕".into(),
            position: "主要负责人".into(),
            phone: "13424863439".into(),
        },
        contacts: vec![Contact {
            name: "董秀英".into(), position: "安全管理员".into(), phone: "15455921587".into()
        }],
        risk: RiskColour::Blue,
    }
}

/// The demo team: lead and one inspector, both of 应急管理 with 证号.
pub struct Team {
    /// 组长.
    pub lead: Editor,
    /// 组员.
    pub inspector: Editor,
}

fn member(e: &Editor, role: TeamRole, cert: &str) -> TeamMember {
    TeamMember {
        person: e.person,
        name: e.name.clone(),
        department: Department::EmergencyManagement,
        role,
        certificate_no: Some(cert.into()),
        qualifications: vec!["hazardous_chemicals".into()],
    }
}

/// Hazards as an inspector writes them (description, location, grade,
/// 整改要求, deadline set by hand).
const HAZARDS: [(&str, &str, &str, &str); 5] = [
    ("储罐区防静电接地线断开，接地电阻未检测", "储罐区2号罐", "二级", "立即恢复接地并委托有资质机构检测"),
    ("危险化学品仓库未设置可燃气体报警装置", "甲类仓库", "二级", "按规范设置可燃气体检测报警装置并联网"),
    ("特种作业人员未持证上岗（电工一名）", "配电室", "三级", "安排持证电工作业，组织取证培训"),
    ("应急预案未按规定组织演练", "安全管理部", "三级", "制定年度演练计划并组织一次综合演练"),
    ("反应釜安全阀超期未校验", "生产车间一楼", "一级", "立即停用反应釜，安全阀校验合格后方可使用"),
];

/// A store in `dir` holding an inspection of the first fixture enterprise
/// with `findings` hazards (cycling through five kinds), presented for
/// signature.
pub fn inspection(dir: &std::path::Path, findings: usize) -> Result<(Store, Inspection, Team)> {
    let (store, insp, team, _) = inspection_with_interview(dir, findings, 0)?;
    Ok((store, insp, team))
}

/// [`inspection`], with an interview of `pairs` questions (none if 0).
pub fn inspection_with_interview(
    dir: &std::path::Path,
    findings: usize,
    pairs: usize,
) -> Result<(Store, Inspection, Team, Option<InterviewId>)> {
    std::fs::create_dir_all(dir)?;
    let mut store = Store::open(&dir.join("device.db"))?;
    let enterprise = demo_enterprise();
    let team = Team {
        lead: Editor { person: PersonId::new(), name: "陈立新".into(), role: Role::TeamLead },
        inspector: Editor { person: PersonId::new(), name: "王芳".into(), role: Role::Inspector },
    };
    let created = at("2026-03-17T16:00:00+08:00");
    store.put_enterprise(&enterprise, created)?;
    let members =
        [member(&team.lead, TeamRole::Lead, "42120001"), member(&team.inspector, TeamRole::Inspector, "42120017")];
    let insp = Inspection::planned(&enterprise, vec![], &members, "three-level", created);
    store.create_inspection(&insp, &team.lead, created)?;
    store.edit(
        &insp.id,
        &team.lead,
        &[Edit::SetStatus(InspectionStatus::InProgress)],
        at("2026-03-18T09:00:00+08:00"),
    )?;
    for i in 0..findings {
        let (description, location, grade, requirement) = HAZARDS[i % HAZARDS.len()];
        let description =
            if i < HAZARDS.len() { description.to_string() } else { format!("{description}（第{}处）", i + 1) };
        let major = grade == "一级";
        let draft = FindingDraft {
            description,
            location: location.into(),
            item_code: None,
            grade: grade.into(),
            requirement: requirement.into(),
            immediate_measure: major.then_some(ImmediateMeasure::StopUsingEquipment),
            deadline_override: (grade == "三级" && i % 2 == 0)
                .then(|| (NaiveDate::from_ymd_opt(2026, 3, 22).expect("a date"), "企业申请，检查组同意".into())),
        };
        let when = at(&format!("2026-03-18T10:{:02}:00+08:00", i % 60));
        store.add_finding(&insp.id, &team.inspector, draft, when)?;
    }
    let interview = if pairs > 0 { Some(interview(&mut store, &insp, &team, pairs)?) } else { None };
    store.edit(
        &insp.id,
        &team.lead,
        &[Edit::SetStatus(InspectionStatus::AwaitingSignature)],
        at("2026-03-18T11:30:00+08:00"),
    )?;
    let insp = store.inspection(&insp.id)?;
    Ok((store, insp, team, interview))
}

/// Signs `record` by both officers and, unless `refuse` is given, the
/// responsible person; with `refuse`, records the refusal and its reason.
pub fn sign(store: &mut Store, insp: &Inspection, team: &Team, record: &RecordRef, refuse: Option<&str>) -> Result<()> {
    let officer = |e: &Editor| Signer { name: e.name.clone(), role: SignerRole::Inspector, person: Some(e.person) };
    if let Some(reason) = refuse {
        store.refuse_to_sign(&insp.id, &team.inspector, record, reason, at("2026-03-18T11:40:00+08:00"))?;
    } else {
        let responsible = Signer { name: "袁海燕".into(), role: SignerRole::ResponsiblePerson, person: None };
        store.sign_record(
            &insp.id,
            &team.inspector,
            record,
            responsible,
            &handwriting(1),
            PAD,
            at("2026-03-18T11:41:00+08:00"),
        )?;
    }
    store.sign_record(
        &insp.id,
        &team.inspector,
        record,
        officer(&team.inspector),
        &handwriting(2),
        PAD,
        at("2026-03-18T11:42:00+08:00"),
    )?;
    store.sign_record(
        &insp.id,
        &team.lead,
        record,
        officer(&team.lead),
        &handwriting(3),
        PAD,
        at("2026-03-18T11:43:00+08:00"),
    )?;
    Ok(())
}

/// Adds an interview of the enterprise's safety manager by both officers
/// with `pairs` questions and answers, signed by all three.
pub fn interview(store: &mut Store, insp: &Inspection, team: &Team, pairs: usize) -> Result<InterviewId> {
    const QA: [(&str, &str); 4] = [
        ("你在单位担任什么职务，负责哪些工作？", "我是安全管理员，负责日常安全检查、隐患排查和员工安全培训。"),
        (
            "储罐区防静电接地线断开的情况你是否知道？什么时候发现的？",
            "上周巡检时发现过一次，已经报告给车间主任，但还没有安排维修。",
        ),
        (
            "单位是否制定了隐患排查治理制度？是否建立了隐患台账？",
            "制定了制度，台账由我负责登记，最近两个月登记不及时。",
        ),
        ("单位今年组织过几次应急演练？有没有记录？", "今年只在三月份组织过一次消防疏散演练，有签到表和照片。"),
    ];
    let id = InterviewId::new();
    let record = InterviewRecord {
        id,
        interviewee: Interviewee {
            name: "董秀英".into(),
            id_number: "421202198805126624".into(),
            position: "安全管理员".into(),
            phone: "15455921587".into(),
        },
        interviewers: vec![team.lead.person, team.inspector.person],
        place: "企业会议室".into(),
        started_at: at("2026-03-18T10:00:00+08:00"),
        qa: (0..pairs)
            .map(|i| {
                let (q, a) = QA[i % QA.len()];
                QuestionAnswer { question: q.into(), answer: a.into() }
            })
            .collect(),
    };
    store.edit(&insp.id, &team.lead, &[Edit::AddInterview(record)], at("2026-03-18T10:30:00+08:00"))?;
    Ok(id)
}

/// Signs interview `id`: the interviewee, then both interviewers.
pub fn sign_interview(store: &mut Store, insp: &Inspection, team: &Team, id: InterviewId) -> Result<()> {
    let record = RecordRef::Interview(id);
    let who = Signer { name: "董秀英".into(), role: SignerRole::Interviewee, person: None };
    store.sign_record(&insp.id, &team.lead, &record, who, &handwriting(4), PAD, at("2026-03-18T11:44:00+08:00"))?;
    for (e, seed) in [(&team.lead, 5), (&team.inspector, 6)] {
        let s = Signer { name: e.name.clone(), role: SignerRole::Inspector, person: Some(e.person) };
        store.sign_record(&insp.id, e, &record, s, &handwriting(seed), PAD, at("2026-03-18T11:45:00+08:00"))?;
    }
    Ok(())
}
