//! A year of inspections for the demo and the office pages' tests, made
//! deterministically from the fixtures: the same enterprises, checklists,
//! teams, findings and closed-loop steps every time for the same day. Every
//! record is made through the core's own store (the same edits, rules,
//! signatures and events a team's devices make), then stored on the server
//! as the devices' sync would, so the office's ledger, dossiers and
//! statistics have hazards in every state to show on first start.

use std::path::Path;

use chrono::{Days, NaiveDate};

use lianjian_core::doc::closed_loop::new_event;
use lianjian_core::doc::{Edit, Editor};
use lianjian_core::evidence::{EvidencePurpose, EvidenceTarget};
use lianjian_core::model::{
    ChecklistRef, ChecklistTemplate, Day, Deadline, Department, Enterprise, Finding, FindingId, Inspection,
    InspectionId, InspectionStatus, PersonId, PhotoPair, RectificationReport, TeamMember, TeamRole, Timestamp,
};
use lianjian_core::rules::calendar::HolidayCalendar;
use lianjian_core::rules::deadline::default_deadline;
use lianjian_core::rules::grades::GradeScheme;
use lianjian_core::rules::lifecycle::{EventKind, ReinspectionMode};
use lianjian_core::rules::permissions::Role;
use lianjian_core::signing::strokes::Pad;
use lianjian_core::signing::{RecordRef, Signer, SignerRole, Stroke, StrokePoint};
use lianjian_core::store::evidence::EvidenceRequest;
use lianjian_core::store::{DocKind, Store};
use lianjian_core::{Error, Result};

use crate::state::AppState;

/// A small deterministic generator (xorshift64*): the same seed, the same year.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn uuid(&mut self) -> uuid::Uuid {
        // Version-7 layout, so ids sort like the ones devices make.
        let bits = (u128::from(self.next()) << 64) | u128::from(self.next());
        uuid::Builder::from_u128(bits).with_version(uuid::Version::SortRand).into_uuid()
    }
}

const OFFICERS: &[(&str, Department, &str)] = &[
    ("陈立新", Department::EmergencyManagement, "42120001001"),
    ("王建军", Department::EmergencyManagement, "42120001014"),
    ("李红梅", Department::EmergencyManagement, "42120001027"),
    ("刘海燕", Department::HousingConstruction, "42120002017"),
    ("周志强", Department::HousingConstruction, "42120002031"),
    ("赵德胜", Department::MarketRegulation, "42120005033"),
    ("孙丽娟", Department::MarketRegulation, "42120005046"),
    ("吴国平", Department::FireRescue, "42120007008"),
    ("郑晓东", Department::Transport, "42120004012"),
    ("何志明", Department::NaturalResources, "42120008005"),
];

/// The department whose officer joins the 应急 lead for an industry.
fn partner(industry: &str) -> Department {
    match industry {
        "construction" => Department::HousingConstruction,
        "special_equipment" => Department::MarketRegulation,
        "fire_safety" => Department::FireRescue,
        "road_transport" => Department::Transport,
        "mining" => Department::NaturalResources,
        _ => Department::EmergencyManagement,
    }
}

const PAD: Pad = Pad { width: 400.0, height: 160.0 };

fn handwriting(seed: u64) -> Vec<Stroke> {
    (0..3u32)
        .map(|s| Stroke {
            points: (0..24u32)
                .map(|i| StrokePoint {
                    x: 30.0 + s as f32 * 110.0 + i as f32 * 3.5,
                    y: 80.0 + ((i as f32 + (seed % 17) as f32 + s as f32 * 3.0) * 0.5).sin() * 45.0,
                    t: s * 700 + i * 9,
                    pressure: 0.5,
                })
                .collect(),
        })
        .collect()
}

fn at(day: NaiveDate, hh: u32, mm: u32) -> Timestamp {
    Timestamp::parse(&format!("{day}T{hh:02}:{mm:02}:00+08:00")).expect("a valid local time")
}

/// Descriptions of hazards by industry (what inspectors write).
fn descriptions(industry: &str) -> &'static [&'static str] {
    match industry {
        "hazardous_chemicals" => &[
            "储罐区防静电接地线断开",
            "可燃气体报警器未定期检定",
            "动火作业票未经审批即作业",
            "危险化学品仓库超量储存",
        ],
        "construction" => {
            &["脚手架连墙件缺失", "临边防护栏杆高度不足", "塔吊限位装置失效", "施工用电未做到一机一闸一漏"]
        }
        "mining" => &["井下通风设施损坏", "采空区未按规定封闭", "爆破器材库台账不清", "提升机保护装置未试验"],
        "road_transport" => &["车辆动态监控未全程在线", "驾驶员超时驾驶未纠正", "危货车辆标志灯牌缺失"],
        "special_equipment" => &["电梯定期检验超期", "压力容器安全阀未校验", "叉车司机无证操作"],
        "fire_safety" => &["疏散通道堆放杂物", "消防水泵不能自动启动", "应急照明灯损坏"],
        _ => &["粉尘作业场所未及时清扫", "冲压设备安全光幕失效", "有限空间作业未检测气体", "配电箱未上锁"],
    }
}

/// Where Debian's fonts-noto-cjk puts Noto Sans CJK.
const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// The fixtures' photos and the pipeline that watermarks them (none without
/// a CJK face).
struct Photos {
    pipeline: Option<lianjian_core::evidence::PhotoPipeline>,
    dir: std::path::PathBuf,
}

impl Photos {
    /// Takes a photo of `f` for `purpose` (the hazard: the site picture;
    /// the rectification: another scene); its hash, or none without a face.
    fn take(
        &self,
        store: &mut Store,
        id: InspectionId,
        f: &Finding,
        by: &Editor,
        purpose: EvidencePurpose,
        when: Timestamp,
    ) -> Result<Option<String>> {
        let Some(pipeline) = &self.pipeline else { return Ok(None) };
        let name = if purpose == EvidencePurpose::Hazard { "site-again.jpg" } else { "other-scene.jpg" };
        let request = EvidenceRequest { target: EvidenceTarget::Finding(f.id), purpose };
        let policy = lianjian_core::evidence::FlagPolicy::default();
        let meta = store.ingest_photo(&id, by, &request, &self.dir.join(name), pipeline, &policy, when)?;
        Ok(Some(meta.sha256))
    }
}

/// What the generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearMade {
    /// Inspections stored.
    pub inspections: usize,
    /// Hazards among them.
    pub hazards: usize,
}

/// Makes `count` inspections spread over the year before `today` from the
/// fixtures' enterprises and checklists (already imported on the server),
/// and stores them; an inspection already stored is left as it is. The
/// work happens in a scratch store in `scratch`.
pub fn generate(state: &AppState, fixtures: &Path, today: NaiveDate, count: usize, scratch: &Path) -> Result<YearMade> {
    let scheme = GradeScheme::three_level();
    let cal = HolidayCalendar::bundled();
    let enterprises = lianjian_core::import::load_enterprises(&fixtures.join("enterprises.json"))?;
    let checklists = lianjian_core::import::load_checklists(&fixtures.join("checklists"), &scheme)?;
    let mut store = Store::open(&scratch.join("demo-year.db"))?;
    let start = today.checked_sub_days(Days::new(365)).ok_or_else(|| Error::validation("today", "out of range"))?;
    let created = at(start, 8, 0);
    for e in &enterprises {
        store.put_enterprise(e, created)?;
    }
    for c in &checklists {
        store.put_checklist(c, created)?;
    }
    let mut rng = Rng(0x5eed_1a2b_3c4d_5e6f);
    let people: Vec<TeamMember> = OFFICERS
        .iter()
        .map(|(name, department, cert)| TeamMember {
            person: PersonId::from_uuid(rng.uuid()),
            name: (*name).into(),
            department: *department,
            role: TeamRole::Inspector,
            certificate_no: Some((*cert).into()),
            qualifications: vec![],
        })
        .collect();
    // Reports need photos, and photos a watermark face: without Noto Sans
    // CJK (scripts/setup installs it) no hazard gets past 整改中.
    let font = std::env::var("LIANJIAN_CJK_FONT").unwrap_or_else(|_| CJK_FONT.into());
    let pipeline = lianjian_core::evidence::WatermarkFont::load(Path::new(&font), 2)
        .ok()
        .map(lianjian_core::evidence::PhotoPipeline::new);
    let photos = Photos { pipeline, dir: fixtures.join("photos") };
    let mut made = YearMade { inspections: 0, hazards: 0 };
    let mut ids = Vec::new();
    for n in 0..count {
        let e = &enterprises[(rng.below(enterprises.len() as u64)) as usize];
        let Some(c) = checklists.iter().find(|c| c.industry == e.industry) else { continue };
        // Spread over the year, never on a weekend.
        let mut day = start + Days::new(1 + (n as u64 * 360) / count.max(1) as u64);
        while matches!(chrono::Datelike::weekday(&day), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            day = day + Days::new(1);
        }
        if day >= today {
            break;
        }
        let id = InspectionId::from_uuid(rng.uuid());
        let hazards = visit(&mut store, &mut rng, &people, e, c, id, day, today, &scheme, &cal, &photos)?;
        made.inspections += 1;
        made.hazards += hazards;
        ids.push(id);
    }
    let revision = {
        let mut db = state.lock();
        crate::db::revision(&mut *db.sql).map_err(Error::from)?
    };
    let mut db = state.lock();
    let rules = state.office.get(revision, &mut db.docs())?;
    let mut docs = db.docs();
    docs.rules = Some(rules);
    for id in ids {
        let doc = store.inspection_doc(&id)?.into_automerge();
        docs.put(&id.to_string(), DocKind::Inspection, at(today, 7, 0), |_| Ok(doc.clone()), |_| Ok(()))?;
    }
    drop(docs);
    // The photos and signature images, as the devices would have uploaded them.
    for blob in store.blob_outbox()? {
        let bytes = store.read_blob(&blob.hash)?;
        let hash = crate::blobs::BlobHash::of(&bytes);
        state
            .blobs
            .append(&hash, "demo-year", 0, bytes.len() as u64, &bytes)
            .map_err(|e| Error::External(Box::new(e)))?;
        db.sql
            .execute(
                "INSERT INTO blobs (hash, size, created_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING",
                crate::args![hash.as_str(), bytes.len() as i64, at(today, 7, 0).to_string()],
            )
            .map_err(Error::from)?;
    }
    crate::db::bump_revision(&mut *db.sql).map_err(Error::from)?;
    Ok(made)
}

/// One visit: the team records hazards, the enterprise signs, and each
/// hazard goes as far round the loop as its age and luck take it.
#[allow(clippy::too_many_arguments)]
fn visit(
    store: &mut Store,
    rng: &mut Rng,
    people: &[TeamMember],
    e: &Enterprise,
    c: &ChecklistTemplate,
    id: InspectionId,
    day: NaiveDate,
    today: NaiveDate,
    scheme: &GradeScheme,
    cal: &HolidayCalendar,
    photos: &Photos,
) -> Result<usize> {
    let leads: Vec<&TeamMember> = people.iter().filter(|p| p.department == Department::EmergencyManagement).collect();
    let lead = leads[rng.below(leads.len() as u64) as usize];
    let partners: Vec<&TeamMember> =
        people.iter().filter(|p| p.department == partner(&e.industry) && p.person != lead.person).collect();
    let other = partners[rng.below(partners.len() as u64) as usize];
    let team = vec![
        TeamMember { role: TeamRole::Lead, qualifications: vec![e.industry.clone()], ..lead.clone() },
        TeamMember { qualifications: vec![e.industry.clone()], ..other.clone() },
    ];
    let lead_ed = Editor { person: lead.person, name: lead.name.clone(), role: Role::TeamLead };
    let other_ed = Editor { person: other.person, name: other.name.clone(), role: Role::Inspector };
    let refs = vec![ChecklistRef { id: c.id, version: c.version }];
    let mut inspection = Inspection::planned(e, refs, &team, &scheme.id, at(day, 8, 30));
    inspection.id = id;
    store.create_inspection(&inspection, &lead_ed, at(day, 8, 30))?;
    store.edit(&id, &lead_ed, &[Edit::SetStatus(InspectionStatus::InProgress)], at(day, 9, 0))?;
    let items: Vec<_> = c.items().collect();
    let texts = descriptions(&e.industry);
    let count = rng.below(4) as usize; // 0 to 3 hazards
    let mut findings: Vec<(Finding, bool, Option<String>)> = Vec::new();
    for k in 0..count {
        let item = items[rng.below(items.len() as u64) as usize];
        let by = if k % 2 == 0 { &other_ed } else { &lead_ed };
        let found = at(day, 10, 5 + k as u32 * 7);
        // Mostly 二级 and 三级; now and then a 一级 (重大事故隐患).
        let grade = match rng.below(20) {
            0 => "一级",
            1..=9 => "二级",
            _ => "三级",
        };
        let def = scheme.grade(grade)?;
        let due = default_deadline(cal, def, &found.0)?;
        let mut f = Finding {
            item_code: Some(item.code.clone()),
            legal_basis: Some(item.legal_basis.clone()),
            immediate_measure: def.immediate_measure.then_some(lianjian_core::model::ImmediateMeasure::StopWork),
            deadline: Deadline::By(due.date),
            deadline_provisional: due.provisional_reason(),
            requirement: "按期整改，整改完成后报检查组复查".into(),
            ..Finding::new(texts[rng.below(texts.len() as u64) as usize], &e.address, grade, by.person, found)
        };
        f.id = FindingId::from_uuid(rng.uuid());
        store.edit(&id, by, &[Edit::AddFinding(f.clone())], found)?;
        let before = photos.take(store, id, &f, by, EvidencePurpose::Hazard, at(day, 10, 6 + k as u32 * 7))?;
        findings.push((f, k % 2 == 0, before));
    }
    store.edit(&id, &lead_ed, &[Edit::SetStatus(InspectionStatus::AwaitingSignature)], at(day, 11, 30))?;
    let seed = rng.next();
    for (r, record) in [RecordRef::Findings, RecordRef::SiteRecord].iter().enumerate() {
        let r = r as u32;
        let responsible =
            Signer { name: e.responsible_person.name.clone(), role: SignerRole::ResponsiblePerson, person: None };
        let when = at(day, 11, 40 + r * 3);
        store.sign_record(&id, &lead_ed, record, responsible, &handwriting(seed), PAD, when)?;
        for (m, ed) in [(1u32, &lead_ed), (2, &other_ed)] {
            let signer = Signer { name: ed.name.clone(), role: SignerRole::Inspector, person: Some(ed.person) };
            let when = at(day, 11, 40 + r * 3 + m);
            store.sign_record(&id, ed, record, signer, &handwriting(seed + u64::from(m)), PAD, when)?;
        }
    }
    store.edit(&id, &lead_ed, &[Edit::SetStatus(InspectionStatus::Signed)], at(day, 11, 50))?;
    let enterprise = Editor {
        person: PersonId::from_uuid(rng.uuid()),
        name: e.responsible_person.name.clone(),
        role: Role::Enterprise,
    };
    for (f, by_other, before) in findings.iter().cloned() {
        // The officer who found it decides on it (their department issued the order).
        let decider = if by_other { &other_ed } else { &lead_ed };
        loop_round(store, rng, id, &f, decider, &lead_ed, &enterprise, day, today, photos, before)?;
    }
    Ok(findings.len())
}

/// Takes one hazard as far round the loop as its age allows: ordered; then,
/// by chance, reported and accepted and closed, reported and waiting, or
/// returned, or left overdue.
#[allow(clippy::too_many_arguments)]
fn loop_round(
    store: &mut Store,
    rng: &mut Rng,
    id: InspectionId,
    f: &Finding,
    decider: &Editor,
    lead: &Editor,
    enterprise: &Editor,
    day: NaiveDate,
    today: NaiveDate,
    photos: &Photos,
    before: Option<String>,
) -> Result<()> {
    let event = |store: &mut Store, rng: &mut Rng, who: &Editor, kind: EventKind, when: Timestamp, f: &Finding| {
        let mut e = new_event(f.id, kind, who, when);
        e.id = rng.uuid().to_string();
        if kind == EventKind::Passed {
            e.mode = Some(ReinspectionMode::OnSite);
        }
        store.edit(&id, who, &[Edit::RecordHazardEvent(e)], when)
    };
    event(store, rng, lead, EventKind::Ordered, at(day, 16, 0), f)?;
    let Deadline::By(due) = f.deadline else { return Ok(()) };
    if f.grade == "一级" {
        // A major hazard goes the 治理方案 path, which the demo leaves open.
        return Ok(());
    }
    let luck = rng.below(10);
    // Reported some days before (or after) the deadline.
    let report_on = if luck < 7 { due - Days::new(1 + rng.below(5)) } else { due + Days::new(1 + rng.below(6)) };
    if luck == 9 || report_on >= today || report_on <= day {
        return Ok(()); // still rectifying, or overdue
    }
    let (Some(before), Some(after)) =
        (before, photos.take(store, id, f, enterprise, EvidencePurpose::Rectification, at(report_on, 9, 0))?)
    else {
        return Ok(()); // no watermark face: no report can be made
    };
    let report = RectificationReport {
        id: rng.uuid().to_string(),
        finding: f.id,
        by: enterprise.person,
        submitted_at: at(report_on, 9, 30),
        measures: format!("已按要求整改：{}", f.requirement),
        responsible: enterprise.name.clone(),
        completed_on: Day(report_on),
        cost_fen: Some(50_000 + rng.below(40) as i64 * 10_000),
        photos: vec![PhotoPair { before, after }],
        files: vec![],
        requests_reinspection: true,
    };
    store.edit(&id, enterprise, &[Edit::SubmitRectification(report)], at(report_on, 9, 30))?;
    let review_on = report_on + Days::new(1 + rng.below(3));
    if review_on >= today || luck == 8 {
        return Ok(()); // waiting for review
    }
    if luck == 7 {
        let mut e = new_event(f.id, EventKind::Returned, decider, at(review_on, 10, 0));
        e.id = rng.uuid().to_string();
        e.reason = Some("整改后照片未反映整改效果，请补充".into());
        e.deadline = Some(Day(review_on + Days::new(10)));
        store.edit(&id, decider, &[Edit::RecordHazardEvent(e)], at(review_on, 10, 0))?;
        return Ok(());
    }
    event(store, rng, decider, EventKind::Accepted, at(review_on, 10, 0), f)?;
    let reinspect_on = review_on + Days::new(2 + rng.below(9));
    if reinspect_on >= today {
        return Ok(()); // 复查 due
    }
    event(store, rng, decider, EventKind::Passed, at(reinspect_on, 15, 0), f)?;
    Ok(())
}
