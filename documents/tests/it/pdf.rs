//! Real PDFs of real records: A4, every font embedded and subset, the
//! Chinese text extractable, the number and fields where they belong, the
//! same bytes for the same record and template, refusals and 续页 printed,
//! and a record changed after signing refused.

use lianjian_core::doc::{Edit, FindingField};
use lianjian_documents::{render_inspection, Error, FormKind};

use crate::support::{engine, poppler, request, signed};

/// Text without white space (pdftotext spaces CJK runs its own way).
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn scheme() -> lianjian_core::rules::grades::GradeScheme {
    lianjian_core::rules::grades::GradeScheme::three_level()
}

#[test]
fn an_order_is_a4_with_embedded_fonts_and_extractable_text() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp) = signed(dir.path(), 5, None);
    let doc = store.inspection_doc(&insp.id).unwrap();
    let req = request(FormKind::RectificationOrder, "（咸安）应急责改〔2026〕12号");
    let out = render_inspection(engine(), doc.automerge(), &scheme(), &req).unwrap();

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
    let a = render_inspection(engine(), doc.automerge(), &scheme(), &req).unwrap();
    let b = render_inspection(engine(), doc.automerge(), &scheme(), &req).unwrap();
    assert_eq!(a.pdf, b.pdf);
    let other = request(FormKind::RectificationOrder, "（咸安）应急责改〔2026〕4号");
    let c = render_inspection(engine(), doc.automerge(), &scheme(), &other).unwrap();
    assert_ne!(a.pdf, c.pdf, "the number is printed");
}

#[test]
fn a_refusal_prints_its_reason_time_and_attesting_officers_and_long_lists_flow_onto_a_continuation_page() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp) = signed(dir.path(), 24, Some("企业负责人对隐患等级有异议，拒绝签字"));
    let doc = store.inspection_doc(&insp.id).unwrap();
    let req = request(FormKind::RectificationOrder, "（咸安）应急责改〔2026〕13号");
    let out = render_inspection(engine(), doc.automerge(), &scheme(), &req).unwrap();
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
    match render_inspection(engine(), doc.automerge(), &scheme(), &req) {
        Err(Error::ChangedAfterSigning { record, changes }) => {
            assert_eq!(record, "隐患清单");
            assert!(changes.iter().any(|c| c.contains("签字后改写")), "{changes:?}");
        }
        other => panic!("expected a refusal to print, got {:?}", other.map(|r| r.pages())),
    }
}
