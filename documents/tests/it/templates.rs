//! Templates as versioned data: the version in force on the document's
//! date is used, an office's own set before the default, an expired one is
//! an error and never a quiet fallback; a bad template or font is refused
//! with a clear error and changes nothing.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use lianjian_documents::fonts::FontSet;
use lianjian_documents::templates::{TemplateSet, Templates};
use lianjian_documents::{Error, FormKind};

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The bundled set re-labelled as an office's version with its own dates.
fn office_set(version: &str, from: &str, until: Option<&str>, authority: &str) -> TemplateSet {
    let bundled = TemplateSet::bundled();
    let mut m = bundled.manifest.clone();
    m.id = "xianan".into();
    m.version = version.into();
    m.office = "xianan-office".into();
    m.effective_from = date(from);
    m.effective_until = until.map(date);
    m.issuers.get_mut("emergency_management").unwrap().authority = authority.into();
    TemplateSet::new(&toml::to_string(&m).unwrap(), bundled.files.clone()).unwrap()
}

#[test]
fn the_version_in_force_on_the_documents_date_is_used() {
    let mut t = Templates::bundled();
    t.add(office_set("2024.1", "2024-01-01", Some("2025-12-31"), "旧局名"));
    t.add(office_set("2026.1", "2026-01-01", None, "新局名"));
    let kind = FormKind::RectificationOrder;
    let authority = |t: &Templates, office: &str, d: &str| {
        t.select(office, kind, date(d)).map(|s| s.manifest.issuers["emergency_management"].authority.clone())
    };
    assert_eq!(authority(&t, "xianan-office", "2025-06-01").unwrap(), "旧局名");
    assert_eq!(authority(&t, "xianan-office", "2026-03-18").unwrap(), "新局名");
    // Another office gets the bundled default.
    assert_eq!(authority(&t, "other-office", "2026-03-18").unwrap(), "咸宁市咸安区应急管理局");
    // Before any version began: a clear error.
    match t.select("xianan-office", kind, date("2023-06-01")) {
        Err(e @ Error::NoTemplate { .. }) => assert!(e.to_string().contains("责令限期整改指令书"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_expired_version_is_refused_not_replaced() {
    let mut t = Templates::bundled();
    t.add(office_set("2024.1", "2024-01-01", Some("2025-12-31"), "旧局名"));
    match t.select("xianan-office", FormKind::RectificationOrder, date("2026-03-18")) {
        Err(e @ Error::TemplateExpired { .. }) => {
            let text = e.to_string();
            assert!(text.contains("已于2025-12-31失效"), "{text}");
        }
        other => panic!("an expired version must not print: {other:?}"),
    }
}

#[test]
fn a_bad_template_set_is_refused_with_a_clear_error() {
    let bundled = TemplateSet::bundled();
    let manifest = toml::to_string(&bundled.manifest).unwrap();
    // A form whose file is missing.
    let mut files = bundled.files.clone();
    files.remove("order.typ");
    let e = TemplateSet::new(&manifest, files).unwrap_err();
    assert!(e.to_string().contains("缺少模板文件 order.typ"), "{e}");
    // A package import (would reach the network).
    let mut files = bundled.files.clone();
    files.insert("order.typ".into(), "#import \"@preview/cetz:0.3.0\"".into());
    let e = TemplateSet::new(&manifest, files).unwrap_err();
    assert!(e.to_string().contains("引用了 Typst 包"), "{e}");
    // Not TOML at all.
    let e = TemplateSet::new("id = ", BTreeMap::new()).unwrap_err();
    assert!(matches!(e, Error::BadTemplate(_)), "{e}");
    // An unknown department.
    let e = TemplateSet::new(&manifest.replace("emergency_management", "ministry_of_magic"), bundled.files.clone())
        .unwrap_err();
    assert!(e.to_string().contains("未知部门代码"), "{e}");
}

#[test]
fn a_bad_font_file_is_refused_and_the_set_is_unchanged() {
    let fonts = FontSet::default_in(std::path::Path::new(lianjian_documents::fonts::NOTO_DIR)).unwrap();
    let before = fonts.families();
    let e = lianjian_documents::fonts::faces("仿宋_GB2312.ttf", typst::foundations::Bytes::new(b"not a font".to_vec()))
        .unwrap_err();
    assert!(e.to_string().contains("不是 TrueType/OpenType 字体"), "{e}");
    match fonts.with_bytes("x.ttf", vec![0u8; 64]) {
        Err(Error::BadFont(_)) => {}
        other => panic!("{other:?}"),
    }
    let fonts = FontSet::default_in(std::path::Path::new(lianjian_documents::fonts::NOTO_DIR)).unwrap();
    assert_eq!(fonts.families(), before);
    assert!(before.iter().any(|f| f == "Noto Serif CJK SC"), "{before:?}");
}

#[test]
fn the_bundled_set_passes_its_trial_and_a_broken_one_is_named() {
    let engine = crate::support::engine();
    lianjian_documents::trial::trial(engine, &TemplateSet::bundled()).unwrap();
    let bundled = TemplateSet::bundled();
    let mut files = bundled.files.clone();
    let broken = files["interview.typ"].replace("f.asker", "f.no_such_field");
    files.insert("interview.typ".into(), broken);
    let set = TemplateSet::new(&toml::to_string(&bundled.manifest).unwrap(), files).unwrap();
    let e = lianjian_documents::trial::trial(engine, &set).unwrap_err();
    assert!(e.to_string().contains("询问笔录"), "{e}");
    // The engine's templates are as before the trial.
    assert_eq!(engine.templates().select("", FormKind::Interview, date("2026-03-18")).unwrap(), &bundled);
}
