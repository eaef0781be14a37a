//! The office's rule data. Holiday calendars: imported with the command line
//! (bad files refused with the line at fault, nothing stored), replaced and
//! recorded, delivered to every device by sync, recomputing provisional
//! deadlines there, and never written by a device. Regions: the enterprise's
//! region selects the grade scheme on the device, and the server checks
//! findings against it.

use std::process::Command;

use automerge::transaction::Transactable;
use automerge::ROOT;
use lianjian_core::doc::Edit;
use lianjian_core::import::fixtures_dir;
use lianjian_core::model::*;
use lianjian_core::office::documents::{calendar_doc_id, read_office_doc, OfficeDoc};
use lianjian_core::rules::permissions::Role;

use crate::support::*;

const YEAR_2027: &str = "calendars/test-2027.toml";

fn good() -> String {
    std::fs::read_to_string(fixtures_dir().join(YEAR_2027)).unwrap()
}

/// Runs `lianjian-sync-server import-calendar` on `text` against the test
/// server's database; returns (success, stdout + stderr).
fn import(server: &Server, text: &str, by: &str) -> (bool, String) {
    run_import(server, "import-calendar", text, by)
}

fn run_import(server: &Server, command: &str, text: &str, by: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calendar.toml");
    std::fs::write(&file, text).unwrap();
    let config = &server.config;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lianjian-sync-server"));
    cmd.arg("--data").arg(&config.data);
    if let Some(url) = &config.database_url {
        cmd.arg("--database-url").arg(url);
    }
    let out = cmd.arg(command).arg(&file).arg("--by").arg(by).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn stored(server: &Server) -> Option<automerge::Automerge> {
    server.state.lock().docs().with_document(&calendar_doc_id(2027), |d| d.clone()).ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_calendar_files_are_refused_with_the_line_and_change_nothing() {
    let server = Server::start().await;
    let bad = [
        // A date of another year (line 11 of the fixture is 元旦).
        (good().replace("from = \"2027-01-01\"", "from = \"2026-12-31\""), "line 11", "不在 2027 年内"),
        // The same day listed twice.
        (
            good().replace(
                "\"2027-01-03\" }",
                "\"2027-01-03\" },\n  { name = \"重复\", from = \"2027-01-03\", to = \"2027-01-03\" }",
            ),
            "line 12",
            "重复列为休息日",
        ),
        // No notice.
        (good().replace("source = \"测试用日历（非官方）\"\n", ""), "line 6", "缺少来源文号"),
        // Not a calendar at all.
        ("year = [".to_string(), "line 1", ""),
    ];
    for (text, line, words) in bad {
        let (ok, out) = tokio::task::block_in_place(|| import(&server, &text, "office-clerk"));
        assert!(!ok, "accepted:\n{text}");
        assert!(out.contains(line) && out.contains(words), "{out}");
        assert!(stored(&server).is_none(), "a refused file stored something");
    }

    // A good file is imported; the same file again changes nothing; a
    // corrected notice replaces it and the document records who and what.
    let (ok, out) = tokio::task::block_in_place(|| import(&server, &good(), "office-clerk"));
    assert!(ok, "{out}");
    let first = stored(&server).unwrap().get_heads();
    let (ok, out) = tokio::task::block_in_place(|| import(&server, &good(), "office-clerk"));
    assert!(ok && out.contains("nothing changed"), "{out}");
    assert_eq!(stored(&server).unwrap().get_heads(), first);
    let corrected = good().replace("测试用日历（非官方）", "测试用日历（更正）");
    let (ok, out) = tokio::task::block_in_place(|| import(&server, &corrected, "office-head"));
    assert!(ok && out.contains("replacing 测试用日历（非官方）"), "{out}");
    let (record, parsed) = read_office_doc(&stored(&server).unwrap()).unwrap();
    assert_eq!(record.source, "测试用日历（更正）");
    assert!(matches!(parsed, OfficeDoc::Calendar(y) if y.year == 2027));
    let last = record.imports.last().unwrap();
    assert_eq!((record.imports.len(), last.by.as_str()), (2, "office-head"));
    assert_eq!(last.replaced.as_deref(), Some("测试用日历（非官方）"));
    // A bad file after that leaves the corrected year in force.
    let (ok, _) = tokio::task::block_in_place(|| import(&server, "[[year]]\nyear = 2027\n", "office-clerk"));
    assert!(!ok);
    assert_eq!(read_office_doc(&stored(&server).unwrap()).unwrap().0.source, "测试用日历（更正）");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_calendar_reaches_devices_recomputes_deadlines_and_is_never_written_by_them() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let ent_user = server.user(Role::Enterprise, 0).clone();
    let (mut lead, lead_e, client) = server.file_device(&lead_user, dir.path()).await;
    let (mut firm, firm_e, _) = server.file_device(&ent_user, dir.path()).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();

    // Offline on 2026-12-25, a 三级 hazard: 7 days → 2027-01-01, provisional.
    let ent = lead.search_enterprises("化工", 1).unwrap().remove(0);
    let ent = lead.enterprise(&ent.id.parse().unwrap()).unwrap();
    let checklist = lead.latest_checklists(&ent.industry).unwrap().remove(0);
    let insp_user = server.user(Role::Inspector, 0).clone();
    let team =
        [member(&lead_user, TeamRole::Lead, &ent.industry), member(&insp_user, TeamRole::Inspector, &ent.industry)];
    let mut insp = inspection(&ent, &checklist, &team);
    insp.scheduled_at = Some(at("2026-12-25T08:30:00+08:00"));
    let ed = editor(&lead_user, Role::TeamLead);
    lead.create_inspection(&insp, &ed, at("2026-12-25T08:30:00+08:00")).unwrap();
    lead.edit(&insp.id, &ed, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-12-25T09:00:00+08:00"))
        .unwrap();
    let f = finding("灭火器压力不足", "仓库", ed.person, at("2026-12-25T09:30:00+08:00"), vec![]);
    lead.edit(&insp.id, &ed, &[Edit::AddFinding(f.clone())], at("2026-12-25T09:30:00+08:00")).unwrap();
    let row = lead.inspection_findings(&insp.id).unwrap().remove(0);
    assert_eq!((row.due_date, row.provisional), ("2027-01-01".parse().unwrap(), true));

    // The office imports 2027; the next sync brings it and the deadline moves
    // past 元旦, final, and says it changed.
    let (ok, out) = tokio::task::block_in_place(|| import(&server, &good(), "office-clerk"));
    assert!(ok, "{out}");
    let p = client.sync(&mut lead, &lead_e.token).await.unwrap();
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    assert!(lead.calendars().unwrap().iter().any(|c| c.year == 2027 && c.synced));
    let row = lead.inspection_findings(&insp.id).unwrap().remove(0);
    assert_eq!((row.due_date, row.provisional, row.deadline_changed), ("2027-01-04".parse().unwrap(), false, true));
    let stored = lead.finding(&insp.id, &f.id).unwrap();
    let now = lead.finding_deadline(&insp.id, &stored).unwrap();
    assert_eq!(now.changed_from, Some(Deadline::By("2027-01-01".parse().unwrap())));
    // It survives a restart: the store reads the synced years when it opens.
    drop(lead);
    let mut lead = lianjian_core::store::Store::open(&dir.path().join(format!("{}.db", lead_user.user.id))).unwrap();
    assert!(!lead.inspection_findings(&insp.id).unwrap()[0].provisional);
    assert!(lead.calendars().unwrap().iter().any(|c| c.year == 2027 && c.synced));

    // An enterprise device reads it too.
    client.sync(&mut firm, &firm_e.token).await.unwrap();
    assert!(firm.calendars().unwrap().iter().any(|c| c.year == 2027 && c.synced));

    // A device that writes into the calendar is refused; the server's copy stays.
    let id = calendar_doc_id(2027);
    let before = server_heads(&server.state, &id);
    let mut forged = automerge::Automerge::load(&lead.export(&id).unwrap()).unwrap().with_actor(lead.actor().clone());
    let mut tx = forged.transaction();
    tx.put(ROOT, "source", "伪造的通知").unwrap();
    tx.commit();
    lead.receive(&id, &forged.save(), at("2026-12-26T09:00:00+08:00")).unwrap();
    let p = client.sync(&mut lead, &lead_e.token).await.unwrap();
    assert_eq!(p.rejected.len(), 1, "{:?}", p.rejected);
    assert_eq!(server_heads(&server.state, &id), before, "the server stored the forgery");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_enterprise_region_selects_the_grade_scheme_on_device_and_server() {
    // The demo seeding imported fixtures/regions/chibi.toml (赤壁市: 重大/一般,
    // general hazards within 10 working days).
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let insp_user = server.user(Role::Inspector, 0).clone();
    let (mut lead, lead_e, client) = server.file_device(&lead_user, dir.path()).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    let chibi = lead.search_enterprises("赤壁", 50).unwrap();
    let row = chibi.iter().find(|e| e.grid.starts_with("赤壁市")).expect("a fixture enterprise in 赤壁市");
    let ent = lead.enterprise(&row.id.parse().unwrap()).unwrap();
    let checklist = lead.latest_checklists(&ent.industry).unwrap().remove(0);
    let team =
        [member(&lead_user, TeamRole::Lead, &ent.industry), member(&insp_user, TeamRole::Inspector, &ent.industry)];
    let insp = inspection(&ent, &checklist, &team); // asks for three-level …
    let ed = editor(&lead_user, Role::TeamLead);
    lead.create_inspection(&insp, &ed, at("2026-03-02T08:30:00+08:00")).unwrap();
    assert_eq!(lead.inspection(&insp.id).unwrap().grade_scheme, "chibi-2026", "… the region decides");
    lead.edit(&insp.id, &ed, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-02T09:00:00+08:00"))
        .unwrap();
    // 三级 is not a grade of this region; 一般 is, with 10 working days.
    let wrong = finding("灭火器压力不足", "仓库", ed.person, at("2026-03-02T09:30:00+08:00"), vec![]);
    assert!(lead.edit(&insp.id, &ed, &[Edit::AddFinding(wrong.clone())], at("2026-03-02T09:30:00+08:00")).is_err());
    let general = Finding { grade: "一般".into(), ..wrong };
    lead.edit(&insp.id, &ed, &[Edit::AddFinding(general.clone())], at("2026-03-02T09:30:00+08:00")).unwrap();
    assert_eq!(lead.finding(&insp.id, &general.id).unwrap().deadline, Deadline::By("2026-03-16".parse().unwrap()));
    // The server knows the region's scheme and accepts the inspection.
    let p = client.sync(&mut lead, &lead_e.token).await.unwrap();
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    assert_eq!(server_heads(&server.state, &insp.id.to_string()), lead.heads(&insp.id.to_string()).unwrap());

    // A region file that does not parse is refused by the command and changes nothing.
    let (ok, out) =
        tokio::task::block_in_place(|| run_import(&server, "import-region", "id = \"x\"\n", "office-clerk"));
    assert!(!ok, "{out}");
}

/// Writes the bundled template set into `dir` with `edit` applied to its
/// manifest and order template, as an office would prepare its own.
fn template_dir(dir: &std::path::Path, manifest: impl Fn(String) -> String, order: impl Fn(String) -> String) {
    let set = lianjian_documents::templates::TemplateSet::bundled();
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in &set.files {
        let text = if name == "order.typ" { order(text.clone()) } else { text.clone() };
        std::fs::write(dir.join(name), text).unwrap();
    }
    let base = toml::to_string(&set.manifest).unwrap();
    std::fs::write(dir.join("manifest.toml"), manifest(base)).unwrap();
}

fn import_template(server: &Server, dir: &std::path::Path) -> (bool, String) {
    cli(server, &["import-template".as_ref(), dir.as_os_str()])
}

/// The bundled manifest as an office's own set `id`, version 2026.1, in
/// force from 2026-01-01.
fn office_manifest(m: String, id: &str) -> String {
    m.replace("id = \"lianjian-default\"", &format!("id = \"{id}\""))
        .replace("version = \"2024.1\"", "version = \"2026.1\"")
        .replace("effective_from = \"2024-01-01\"", "effective_from = \"2026-01-01\"")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offices_template_set_is_tried_imported_and_reaches_devices() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let own =
        |m: String| office_manifest(m, "xianan").replace("咸宁市咸安区应急管理局", "咸宁市咸安区应急管理局（试点）");
    // A broken form: refused, naming the form; nothing imported.
    let broken = dir.path().join("broken");
    template_dir(&broken, own, |t| t.replace("#(issuer.court)", "#(issuer.no_such_field)"));
    let (ok, out) = import_template(&server, &broken);
    assert!(!ok && out.contains("责令限期整改指令书"), "{out}");
    // The office's own set: tried, imported, synced.
    let good = dir.path().join("good");
    template_dir(&good, own, |t| t);
    let (ok, out) = import_template(&server, &good);
    assert!(ok, "{out}");
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let (mut lead, e, client) = server.device(&lead_user).await;
    client.sync(&mut lead, &e.token).await.unwrap();
    let templates = &lead.office().templates;
    assert_eq!(templates.keys().collect::<Vec<_>>(), vec!["template-xianan-2026.1"]);
    let set = lianjian_documents::templates::Templates::with_office(templates.values()).unwrap();
    let chosen =
        set.select("", lianjian_documents::FormKind::RectificationOrder, "2026-03-18".parse().unwrap()).unwrap();
    assert_eq!(chosen.manifest.issuers["emergency_management"].authority, "咸宁市咸安区应急管理局（试点）");
}

fn cli(server: &Server, args: &[&std::ffi::OsStr]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lianjian-sync-server"));
    cmd.arg("--data").arg(&server.config.data);
    if let Some(url) = &server.config.database_url {
        cmd.arg("--database-url").arg(url);
    }
    let out = cmd.args(args).arg("--by").arg("联检办").output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// An office's own font (Noto Sans CJK SC stands in for a licensed
/// 仿宋_GB2312): a file that is no font, or has no Chinese glyphs, is
/// refused and nothing is stored; the font is imported once, a template set
/// naming it is tried with it, and a device that synced prints with it only
/// after fetching it — before, printing is refused with the family named
/// rather than set silently in another face.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offices_font_is_checked_imported_fetched_and_printed_with() {
    use lianjian_documents::fonts::{FontSet, NOTO_DIR};
    use lianjian_documents::render::{render_inspection, Context, Request};
    use lianjian_documents::{Engine, FormKind};
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let not_a_font = dir.path().join("仿宋.ttf");
    std::fs::write(&not_a_font, "这不是字体").unwrap();
    let latin = std::path::Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    for (file, why) in [(not_a_font.as_path(), "不是 TrueType/OpenType 字体"), (latin, "不含中文字形")] {
        let (ok, out) = cli(&server, &["import-font".as_ref(), file.as_os_str()]);
        assert!(!ok && out.contains(why), "{out}");
    }
    assert_eq!(server.state.lock().sql.query("SELECT hash FROM blobs", &[]).unwrap().len(), 0, "a bad file was stored");
    let font = std::path::Path::new(NOTO_DIR).join("NotoSansCJK-Regular.ttc");
    let (ok, out) = cli(&server, &["import-font".as_ref(), font.as_os_str()]);
    assert!(ok && out.contains("Noto Sans CJK SC"), "{out}");
    let (ok, out) = cli(&server, &["import-font".as_ref(), font.as_os_str()]);
    assert!(ok && out.contains("Unchanged"), "{out}");
    // A set in that face only: its trial lays the forms out with the imported font.
    let sans = |m: String| office_manifest(m, "xianan-sans").replace("\"Noto Serif CJK SC\"", "\"Noto Sans CJK SC\"");
    let set_dir = dir.path().join("sans");
    template_dir(&set_dir, sans, |t| t);
    let (ok, out) = import_template(&server, &set_dir);
    assert!(ok, "{out}");

    // A tablet syncs: the font's record arrives, its file does not yet.
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let (lead, e, client) = server.file_device(&lead_user, dir.path()).await;
    let mut lead = lead;
    client.sync(&mut lead, &e.token).await.unwrap();
    let fonts: Vec<_> = lead.office().fonts.values().cloned().collect();
    assert_eq!(fonts.len(), 1);
    assert!(fonts[0].families.iter().any(|f| f == "Noto Sans CJK SC"), "{:?}", fonts[0].families);
    let engine = Engine::new(
        FontSet::default_in(std::path::Path::new(NOTO_DIR)).unwrap(),
        lianjian_documents::templates::Templates::with_office(lead.office().templates.values()).unwrap(),
    );
    let (mut demo, insp, _) = lianjian_documents::demo::inspection(&dir.path().join("demo"), 3).unwrap();
    let ctx = Context { scheme: demo.grade_scheme().clone(), enterprise: demo.enterprise(&insp.enterprise).ok() };
    use chrono::TimeZone;
    let day = chrono::FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(2026, 3, 18, 10, 0, 0).unwrap();
    let req = Request::new(FormKind::HazardList, Department::EmergencyManagement, day);
    let print = |engine: &Engine, demo: &mut lianjian_core::store::Store| {
        let doc = demo.inspection_doc(&insp.id).unwrap();
        render_inspection(engine, doc.automerge(), &ctx, &req)
    };
    lianjian_documents::device::add_office_fonts(&engine, &lead).unwrap();
    let refused = print(&engine, &mut demo).err().expect("printed in a face the template does not name");
    assert!(refused.to_string().contains("Noto Sans CJK SC"), "{refused}");
    // Fetched once; then the forms are set in it, embedded in the PDF.
    assert_eq!(client.fetch_office_fonts(&lead, &e.token).await.unwrap(), 1);
    assert_eq!(client.fetch_office_fonts(&lead, &e.token).await.unwrap(), 0);
    lianjian_documents::device::add_office_fonts(&engine, &lead).unwrap();
    let pdf = print(&engine, &mut demo).unwrap().pdf;
    let path = dir.path().join("list.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdffonts").arg(&path).output().unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("NotoSansCJK") && !listed.contains("NotoSerifCJK"), "{listed}");
}

/// The office's own time rules of the loop: a bad file is refused naming
/// what is wrong; the imported rules reach devices with their next sync.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_offices_loop_rules_are_imported_and_reach_devices() {
    use lianjian_core::rules::grades::DeadlineRule;
    let server = Server::start().await;
    let good = std::fs::read_to_string(fixtures_dir().join("loop-rules.toml")).unwrap();
    for (bad, why) in [
        (good.replace("days = 10", "days = 0"), "1 至 60 日"),
        (good.replace("source = \"演示用复查时限（非真实文件）\"", "source = \" \""), "依据"),
        (good.replace("calendar_days", "lunar_days"), "格式错误"),
    ] {
        let (ok, out) = run_import(&server, "import-loop-rules", &bad, "联检办");
        assert!(!ok && out.contains(why), "{why}: {out}");
    }
    let (ok, out) = run_import(&server, "import-loop-rules", &good, "联检办");
    assert!(ok, "{out}");
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let (mut lead, e, client) = server.device(&lead_user).await;
    assert_eq!(lead.office().loop_rules.reinspection_within, DeadlineRule::WorkingDays(10));
    client.sync(&mut lead, &e.token).await.unwrap();
    assert_eq!(lead.office().loop_rules.reinspection_within, DeadlineRule::CalendarDays(10));
}
