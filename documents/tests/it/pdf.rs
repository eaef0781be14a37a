//! Real PDFs of real records: A4, every font embedded and subset, the
//! Chinese text extractable, the number and fields where they belong, the
//! same bytes for the same record and template, refusals and 续页 printed,
//! and a record changed after signing refused.

use lianjian_core::doc::{Edit, FindingField};
use lianjian_core::signing::RecordRef;
use lianjian_documents::render::Context;
use lianjian_documents::{render_inspection, Error, FormKind};

use crate::support::{engine, poppler, request, signed};

/// Text without white space (pdftotext spaces CJK runs its own way).
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn scheme() -> lianjian_core::rules::grades::GradeScheme {
    lianjian_core::rules::grades::GradeScheme::three_level()
}

fn ctx() -> Context {
    Context { scheme: scheme(), enterprise: None }
}

#[test]
fn an_order_is_a4_with_embedded_fonts_and_extractable_text() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp) = signed(dir.path(), 5, None);
    let doc = store.inspection_doc(&insp.id).unwrap();
    let req = request(FormKind::RectificationOrder, "（咸安）应急责改〔2026〕12号");
    let out = render_inspection(engine(), doc.automerge(), &ctx(), &req).unwrap();

    let info = poppler("pdfinfo", &[], &out.pdf);
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim();
    assert_eq!(pages, out.pages().to_string());

    let fonts = poppler("pdffonts", &[], &out.pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "embedded, subset, ToUnicode: {row}");
        assert!(cols[0].contains("NotoSerifCJKsc"), "the Simplified Chinese face: {row}");
    }

    let text = poppler("pdftotext", &["-layout"], &out.pdf);
    for expected in [
        "咸宁市咸安区应急管理局",
        "安全生产行政执法文书",
        "责令限期整改指令书",
        "（咸安）应急责改〔2026〕12号",
        &insp.enterprise_name,
        "经查，你单位存在下列问题：",
        "储罐区防静电接地线断开",
        "其中事故隐患1项属于重大事故隐患。",
        "现责令你单位对上述第1、2项问题于2026年4月2日前整改完毕",
        "咸宁市咸安区人民政府申请行政复议",
        "证号：",
        "42120001",
        "王芳",
        "袁海燕",
        "（此栏不够，可另附页）",
        "本文书一式两份",
        "共2页",
    ] {
        assert!(squash(&text).contains(&squash(expected)), "missing {expected:?} in:\n{text}");
    }
    // The post-2024 remedy notice names one 复议机关.
    assert!(!text.contains("人民政府或者"), "{text}");
    // No line starts with closing punctuation (禁则).
    for line in text.lines() {
        let t = line.trim_start();
        assert!(!t.starts_with(['，', '。', '、', '；', '：', '）', '」']), "line starts with punctuation: {line}");
    }
}

#[test]
fn the_same_record_and_template_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp) = signed(dir.path(), 3, None);
    let doc = store.inspection_doc(&insp.id).unwrap();
    let req = request(FormKind::RectificationOrder, "（咸安）应急责改〔2026〕3号");
    let a = render_inspection(engine(), doc.automerge(), &ctx(), &req).unwrap();
    let b = render_inspection(engine(), doc.automerge(), &ctx(), &req).unwrap();
    assert_eq!(a.pdf, b.pdf);
    let other = request(FormKind::RectificationOrder, "（咸安）应急责改〔2026〕4号");
    let c = render_inspection(engine(), doc.automerge(), &ctx(), &other).unwrap();
    assert_ne!(a.pdf, c.pdf, "the number is printed");
}

#[test]
fn a_refusal_prints_its_reason_time_and_attesting_officers_and_long_lists_flow_onto_a_continuation_page() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp) = signed(dir.path(), 24, Some("企业负责人对隐患等级有异议，拒绝签字"));
    let doc = store.inspection_doc(&insp.id).unwrap();
    let req = request(FormKind::RectificationOrder, "（咸安）应急责改〔2026〕13号");
    let out = render_inspection(engine(), doc.automerge(), &ctx(), &req).unwrap();
    assert!(out.pages() >= 3, "{} pages", out.pages());
    let text = poppler("pdftotext", &[], &out.pdf);
    assert!(text.contains("拒绝签字"), "{text}");
    assert!(text.contains("拒签理由：企业负责人对隐患等级有异议，拒绝签字"), "{text}");
    assert!(text.contains("记录时间：2026年3月18日 11时40分"), "{text}");
    assert!(text.contains("见证执法人员：王芳、陈立新"), "{text}");
    let page2 = poppler("pdftotext", &["-f", "2", "-l", "2"], &out.pdf);
    assert!(page2.contains("续页") && page2.contains("（咸安）应急责改〔2026〕13号"), "{page2}");
    let flat = squash(&page2);
    assert!(flat.contains(&format!("共{}页", out.pages())) && flat.contains("第2页"), "{page2}");
}

#[test]
fn a_record_changed_after_signing_is_not_printed_as_signed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp) = signed(dir.path(), 2, None);
    let finding = insp.findings.keys().next().unwrap().parse().unwrap();
    let lead = lianjian_core::doc::Editor {
        person: insp.team.values().find(|m| m.name == "陈立新").unwrap().person,
        name: "陈立新".into(),
        role: lianjian_core::rules::permissions::Role::TeamLead,
    };
    let at = lianjian_documents::demo::at("2026-03-18T11:45:00+08:00");
    store
        .edit(
            &insp.id,
            &lead,
            &[
                Edit::SetStatus(lianjian_core::model::InspectionStatus::InProgress),
                Edit::UpdateFinding {
                    id: finding,
                    field: FindingField::Description("储罐区防静电接地线断开（签字后改写）".into()),
                },
            ],
            at,
        )
        .unwrap();
    let doc = store.inspection_doc(&insp.id).unwrap();
    let req = request(FormKind::RectificationOrder, "（咸安）应急责改〔2026〕5号");
    match render_inspection(engine(), doc.automerge(), &ctx(), &req) {
        Err(Error::ChangedAfterSigning { record, changes }) => {
            assert_eq!(record, "隐患清单");
            assert!(changes.iter().any(|c| c.contains("签字后改写")), "{changes:?}");
        }
        other => panic!("expected a refusal to print, got {:?}", other.map(|r| r.pages())),
    }
}

/// Every form of one signed inspection with an interview, as text.
fn every_form() -> Vec<(FormKind, String, usize)> {
    use lianjian_core::model::Department;
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, team, interview) =
        lianjian_documents::demo::inspection_with_interview(dir.path(), 5, 40).unwrap();
    for record in [RecordRef::Findings, RecordRef::SiteRecord] {
        lianjian_documents::demo::sign(&mut store, &insp, &team, &record, None).unwrap();
    }
    lianjian_documents::demo::sign_interview(&mut store, &insp, &team, interview.unwrap()).unwrap();
    let ctx = Context { scheme: scheme(), enterprise: Some(store.enterprise(&insp.enterprise).unwrap()) };
    let doc = store.inspection_doc(&insp.id).unwrap();
    let mut out = vec![];
    for kind in FormKind::ALL {
        let mut req = request(kind, "（咸安）应急责改〔2026〕12号");
        req.number = kind.category().map(|c| format!("（咸安）应急{c}〔2026〕12号"));
        req.interview = interview;
        req.origin = Some(("（咸安）应急责改〔2026〕12号".into(), req.date));
        req.delivered = vec!["责令限期整改指令书 （咸安）应急责改〔2026〕12号".into()];
        req.department = Department::EmergencyManagement;
        let r = render_inspection(engine(), doc.automerge(), &ctx, &req).unwrap();
        out.push((kind, poppler("pdftotext", &[], &r.pdf), r.pages()));
    }
    out
}

#[test]
fn every_form_prints_its_own_fields() {
    for (kind, text, pages) in every_form() {
        let flat = squash(&text);
        assert!(flat.contains(kind.title()), "{kind:?}: {text}");
        let expected: &[&str] = match kind {
            FormKind::SiteRecord => &[
                "（咸安）应急检记〔2026〕12号",
                "法定代表人（负责人）：袁海燕",
                "我们是咸宁市咸安区应急管理局行政执法人员",
                "证件号码为42120001、42120017",
                "检查情况：",
                "发现事故隐患5项",
                "被检查单位现场负责人（签名）",
            ],
            FormKind::OnSiteDecision => &[
                "（咸安）应急现决〔2026〕12号",
                "发现你单位有下列违法违规行为和事故隐患",
                "反应釜安全阀超期未校验",
                "第六十五条",
                "停止使用相关设施、设备",
                "本决定不停止执行",
            ],
            FormKind::RectificationOrder => &["（咸安）应急责改〔2026〕12号", "现责令你单位对上述第"],
            FormKind::ReviewOpinion => &[
                "（咸安）应急复查〔2026〕12号",
                "作出了责令限期整改的决定［（咸安）应急责改〔2026〕12号］",
                "已整改合格：",
                "未整改合格：",
                "一份交被复查单位",
            ],
            FormKind::Interview => &[
                "询问地点：企业会议室",
                "被询问人姓名：董秀英",
                "您有如实回答问题的义务",
                "问：你在单位担任什么职务",
                "答：我是安全管理员",
                "以上笔录我已看过，和我说的一样。",
            ],
            FormKind::ServiceReceipt => {
                &["送达文书名称及文号", "责令限期整改指令书（咸安）应急责改〔2026〕12号", "直接送达"]
            }
            FormKind::HazardList => &["联合检查隐患清单", "移交应急管理部门", "不作为联合检查组的执法文书"],
        };
        for e in expected {
            assert!(flat.contains(&squash(e)), "{kind:?} lacks {e:?}:\n{text}");
        }
        match kind {
            // Not an enforcement document: no number, no seal, no remedy.
            FormKind::HazardList => {
                assert!(!flat.contains("印章") && !flat.contains("行政复议") && !flat.contains("〔2026〕"), "{text}")
            }
            // Three pages or more of questions, each page but the last signed.
            FormKind::Interview => {
                assert!(pages >= 3, "{pages} pages");
                assert_eq!(flat.matches("被询问人（签名）").count(), pages, "{text}");
            }
            _ => {}
        }
    }
}

#[test]
fn a_long_site_record_flows_onto_a_continuation_page() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, team) = lianjian_documents::demo::inspection(dir.path(), 18).unwrap();
    lianjian_documents::demo::sign(&mut store, &insp, &team, &RecordRef::SiteRecord, None).unwrap();
    let text = lianjian_documents::forms::site_record::findings_text(&store.inspection(&insp.id).unwrap());
    assert!(text.chars().count() >= 600, "{} characters", text.chars().count());
    let doc = store.inspection_doc(&insp.id).unwrap();
    let req = request(FormKind::SiteRecord, "（咸安）应急检记〔2026〕3号");
    let out = render_inspection(engine(), doc.automerge(), &ctx(), &req).unwrap();
    assert!(out.pages() >= 2, "{} pages", out.pages());
    let page2 = squash(&poppler("pdftotext", &["-f", "2", "-l", "2"], &out.pdf));
    assert!(page2.contains("续页") && page2.contains("被检查单位现场负责人（签名）"), "{page2}");
}

/// Dark pixels of `page` of `pdf` rendered in grey at 100 dpi.
fn ink(pdf: &[u8], page: usize) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let p = page.to_string();
    let out = std::process::Command::new("pdftoppm")
        .args(["-gray", "-r", "100", "-f", &p, "-l", &p, "-singlefile"])
        .arg(&path)
        .arg(dir.path().join("page"))
        .output()
        .expect("pdftoppm (scripts/setup installs poppler-utils)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pgm = std::fs::read(dir.path().join("page.pgm")).unwrap();
    // P5 header: magic, width, height, maxval, each followed by whitespace.
    let mut fields = 0;
    let mut start = 0;
    for (i, b) in pgm.iter().enumerate() {
        if b.is_ascii_whitespace() && i > 0 && !pgm[i - 1].is_ascii_whitespace() {
            fields += 1;
            if fields == 4 {
                start = i + 1;
                break;
            }
        }
    }
    pgm[start..].iter().filter(|&&v| v < 128).count()
}

#[test]
fn the_signers_strokes_are_printed_on_the_signature_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp) = signed(dir.path(), 5, None);
    let doc = store.inspection_doc(&insp.id).unwrap();
    let req = request(FormKind::RectificationOrder, "（咸安）应急责改〔2026〕12号");
    let signed_pdf = render_inspection(engine(), doc.automerge(), &ctx(), &req).unwrap();
    let dir2 = tempfile::tempdir().unwrap();
    let (mut bare, bare_insp, _) = lianjian_documents::demo::inspection(dir2.path(), 5).unwrap();
    let doc = bare.inspection_doc(&bare_insp.id).unwrap();
    let unsigned_pdf = render_inspection(engine(), doc.automerge(), &ctx(), &req).unwrap();
    let last = signed_pdf.pages();
    assert_eq!(last, unsigned_pdf.pages());
    let (with, without) = (ink(&signed_pdf.pdf, last), ink(&unsigned_pdf.pdf, last));
    // Three handwritten signatures (two officers, the responsible person).
    // The names and times alone add about 600 dark pixels; the strokes as
    // many again.
    assert!(with > without + 1_000, "signed page {with} dark pixels, unsigned {without}");
}
