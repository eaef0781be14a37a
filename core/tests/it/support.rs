//! Builders shared by the integration tests: everything comes from fixtures/.

use lianjian_core::doc::{Edit, Editor};
use lianjian_core::import::{fixtures_dir, load_checklists, load_enterprises};
use lianjian_core::model::*;
use lianjian_core::rules::deadline::{default_deadline, Deadline};
use lianjian_core::rules::grades::GradeScheme;
use lianjian_core::rules::permissions::Role;
use lianjian_core::rules::verdict::{response_for, Answer};
use lianjian_core::store::Store;

/// A small deterministic PRNG (xorshift64*), so a failing seed reproduces.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

pub fn enterprises() -> Vec<Enterprise> {
    load_enterprises(&fixtures_dir().join("enterprises.json")).unwrap()
}

pub fn checklist(industry: &str) -> ChecklistTemplate {
    load_checklists(&fixtures_dir().join("checklists"), &GradeScheme::three_level())
        .unwrap()
        .into_iter()
        .find(|c| c.industry == industry)
        .unwrap()
}

pub fn enterprise(industry: &str) -> Enterprise {
    enterprises().into_iter().find(|e| e.industry == industry).unwrap()
}

/// A team: the lead (应急管理) and two inspectors (住建, 市场监管).
pub struct Team {
    pub lead: Editor,
    pub a: Editor,
    pub b: Editor,
    pub members: Vec<TeamMember>,
}

pub fn team(industry: &str) -> Team {
    let mk = |name: &str, dept: Department, role: TeamRole, cert: &str| TeamMember {
        person: PersonId::new(),
        name: name.into(),
        department: dept,
        role,
        certificate_no: Some(cert.into()),
        qualifications: vec![industry.into()],
    };
    let members = vec![
        mk("陈立新", Department::EmergencyManagement, TeamRole::Lead, "42120001001"),
        mk("刘海燕", Department::HousingConstruction, TeamRole::Inspector, "42120002017"),
        mk("赵德胜", Department::MarketRegulation, TeamRole::Inspector, "42120005033"),
    ];
    let ed = |m: &TeamMember, role| Editor { person: m.person, name: m.name.clone(), role };
    Team {
        lead: ed(&members[0], Role::TeamLead),
        a: ed(&members[1], Role::Inspector),
        b: ed(&members[2], Role::Inspector),
        members,
    }
}

pub fn new_inspection(e: &Enterprise, c: &ChecklistTemplate, team: &Team, created: Timestamp) -> Inspection {
    let refs = vec![ChecklistRef { id: c.id, version: c.version }];
    Inspection::planned(e, refs, &team.members, "three-level", created)
}

/// A finding on `item` found by `by`, with the item's default grade and a
/// deadline from the grade's rule.
pub fn finding(item: &ChecklistItem, by: &Editor, found: Timestamp, description: &str) -> Finding {
    let scheme = GradeScheme::three_level();
    let cal = lianjian_core::rules::calendar::HolidayCalendar::bundled();
    let due = default_deadline(&cal, scheme.grade(&item.default_grade).unwrap(), &found.0).unwrap();
    let stops_work = scheme.grade(&item.default_grade).unwrap().immediate_measure;
    Finding {
        item_code: Some(item.code.clone()),
        legal_basis: Some(item.legal_basis.clone()),
        immediate_measure: stops_work.then_some(lianjian_core::model::ImmediateMeasure::StopWork),
        deadline: Deadline::By(due.date),
        deadline_provisional: due.provisional_reason(),
        requirement: "立即整改，整改完成后报检查组复查".into(),
        ..Finding::new(description, "储罐区", &item.default_grade, by.person, found)
    }
}

/// A response to `item` by `by`: measurements get a value, others 符合.
pub fn response(item: &ChecklistItem, by: &Editor, value: f64, when: Timestamp) -> Response {
    let answer = match &item.kind {
        ItemKind::Measurement { .. } => Answer::Measured(value),
        ItemKind::SingleChoice { options, .. } | ItemKind::MultipleChoice { options, .. } => {
            Answer::Choices(vec![options[0].clone()])
        }
        _ => Answer::Verdict(Verdict::Pass),
    };
    response_for(item, by.person, &answer, "现场核查".into(), when).unwrap()
}

/// A store holding the fixtures' catalogue and one started inspection.
pub fn started_store(industry: &str) -> (Store, Inspection, ChecklistTemplate, Team) {
    let mut store = Store::open_in_memory().unwrap();
    let e = enterprise(industry);
    let c = checklist(industry);
    let t = team(industry);
    let created = at("2026-03-02T08:30:00+08:00");
    store.put_enterprise(&e, created).unwrap();
    store.put_checklist(&c, created).unwrap();
    let insp = new_inspection(&e, &c, &t, created);
    store.create_inspection(&insp, &t.lead, created).unwrap();
    store
        .edit(&insp.id, &t.lead, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-02T09:00:00+08:00"))
        .unwrap();
    (store, insp, c, t)
}

/// Sends every document of `from` to `to` (what sync will do over HTTP).
pub fn sync_into(from: &mut Store, to: &mut Store, id: &InspectionId) {
    let bytes = from.export(&id.to_string()).unwrap();
    to.receive(&id.to_string(), &bytes, at("2026-03-02T18:00:00+08:00")).unwrap();
}

/// The CJK font the evidence tests burn watermarks with (Debian's Noto Sans
/// CJK, installed by `scripts/setup`; `LIANJIAN_CJK_FONT` overrides).
pub fn watermark_font() -> lianjian_core::evidence::WatermarkFont {
    let path = std::env::var("LIANJIAN_CJK_FONT")
        .unwrap_or_else(|_| "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc".into());
    lianjian_core::evidence::WatermarkFont::load(std::path::Path::new(&path), 2)
        .unwrap_or_else(|e| panic!("{e}: run scripts/setup (installs fonts-noto-cjk) or set LIANJIAN_CJK_FONT"))
}

/// A photo or bad file from `fixtures/photos/`.
pub fn photo(name: &str) -> std::path::PathBuf {
    fixtures_dir().join("photos").join(name)
}

/// A store on disk (blobs need a folder) holding the fixtures' catalogue and
/// one hazardous-chemicals inspection started on 2026-03-18 at 09:00, with
/// one finding; returns the finding's id too.
pub fn site_store(dir: &std::path::Path) -> (Store, Inspection, ChecklistTemplate, Team, FindingId) {
    let mut store = Store::open(&dir.join("lianjian.db")).unwrap();
    let e = enterprise("hazardous_chemicals");
    let c = checklist("hazardous_chemicals");
    let t = team("hazardous_chemicals");
    let created = at("2026-03-17T16:00:00+08:00");
    store.put_enterprise(&e, created).unwrap();
    store.put_checklist(&c, created).unwrap();
    let insp = new_inspection(&e, &c, &t, created);
    store.create_inspection(&insp, &t.lead, created).unwrap();
    store
        .edit(&insp.id, &t.lead, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-18T09:00:00+08:00"))
        .unwrap();
    let item = &c.sections[0].items[0];
    let f = finding(item, &t.a, at("2026-03-18T10:40:00+08:00"), "储罐区防静电接地线断开");
    store.edit(&insp.id, &t.a, &[Edit::AddFinding(f.clone())], at("2026-03-18T10:41:00+08:00")).unwrap();
    (store, insp, c, t, f.id)
}

/// An interview of the enterprise's safety manager by inspectors A and B,
/// started at 10:00 on the visit day, with one exchange.
pub fn interview(id: InterviewId, t: &Team, question: &str, answer: &str) -> InterviewRecord {
    InterviewRecord {
        id,
        interviewee: Interviewee {
            name: "董秀英".into(),
            id_number: "421202198805126624".into(),
            position: "安全管理员".into(),
            phone: "15455921587".into(),
        },
        interviewers: vec![t.a.person, t.b.person],
        place: "企业会议室".into(),
        started_at: at("2026-03-18T10:00:00+08:00"),
        qa: vec![QuestionAnswer { question: question.into(), answer: answer.into() }],
    }
}
