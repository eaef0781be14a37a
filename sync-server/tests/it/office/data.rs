//! 基础数据 through the pages: the same checks as the command line (a bad
//! line is named and nothing is stored), a preview of what would change,
//! and the import itself, which devices then receive.

use lianjian_core::import::fixtures_dir;

use super::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_previews_and_imports_a_calendar_and_a_bad_file_stores_nothing() {
    let s = OfficeServer::start(1).await;
    let mut b = s.client();
    b.sign_in("clerk", PASSWORD).await;
    let csrf = b.csrf().await;
    let text = std::fs::read_to_string(fixtures_dir().join("calendars/test-2027.toml")).unwrap();
    let broken = text.replacen("2027-", "2027-13-", 1);
    let bad = b.post("/office/data/preview", &[("csrf", &csrf), ("kind", "calendar"), ("text", &broken)]).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("import-error"), "{}", bad.body);
    let refused = b.post("/office/data/import", &[("csrf", &csrf), ("kind", "calendar"), ("text", &broken)]).await;
    assert_eq!(refused.status, 400);
    let stored = |s: &OfficeServer| {
        super::support::blocking(|| {
            let mut db = s.state.lock();
            db.sql.query_opt("SELECT 1 FROM doc_access WHERE doc_id = 'calendar-2027'", &[]).unwrap().is_some()
        })
    };
    assert!(!stored(&s));
    let seen = b.post("/office/data/preview", &[("csrf", &csrf), ("kind", "calendar"), ("text", &text)]).await;
    assert_eq!(seen.status, 200);
    assert!(seen.body.contains("calendar-2027：将新增"), "{}", seen.body);
    assert!(!stored(&s), "a preview stored something");
    let done = b.post("/office/data/import", &[("csrf", &csrf), ("kind", "calendar"), ("text", &text)]).await;
    assert!(done.body.contains("已导入（新增）"), "{}", done.body);
    assert!(stored(&s));
    let again = b.post("/office/data/preview", &[("csrf", &csrf), ("kind", "calendar"), ("text", &text)]).await;
    assert!(again.body.contains("与现有内容相同"));
    // The enterprise list the server already holds changes nothing.
    let list = std::fs::read_to_string(fixtures_dir().join("enterprises.json")).unwrap();
    let seen = b.post("/office/data/preview", &[("csrf", &csrf), ("kind", "enterprises"), ("text", &list)]).await;
    assert!(seen.body.contains("新增 0 家，更新 0 家，不变 55 家"), "{}", seen.body);
    // A forged token imports nothing.
    assert_eq!(
        b.post("/office/data/import", &[("csrf", "x"), ("kind", "calendar"), ("text", &text)]).await.status,
        403
    );
}

/// The value of the confirm form's hidden text, HTML entities decoded.
fn confirm_text(body: &str) -> String {
    let open = "<textarea name=\"text\" hidden>";
    let start = body.find(open).expect("a confirm form") + open.len();
    let raw = &body[start..start + body[start..].find("</textarea>").unwrap()];
    let mut out = String::new();
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').unwrap() + i;
        let entity = &rest[i + 1..end];
        out.push(match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let n = entity.trim_start_matches('#');
                let code =
                    if let Some(h) = n.strip_prefix(['x', 'X']) { u32::from_str_radix(h, 16) } else { n.parse() };
                char::from_u32(code.unwrap()).unwrap()
            }
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

async fn checklist(b: &mut Browser, csrf: &str, path: &str, text: String) -> Answer {
    b.post(path, &[("csrf", csrf), ("kind", "checklist"), ("text", &text)]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checklist_version_is_published_from_the_page_and_a_changed_published_one_is_refused() {
    let s = OfficeServer::start(1).await;
    let mut b = s.client();
    b.sign_in("clerk", PASSWORD).await;
    let csrf = b.csrf().await;
    let text = std::fs::read_to_string(fixtures_dir().join("checklists/mining.toml")).unwrap();
    let version: u32 = text.lines().find_map(|l| l.strip_prefix("version = ")).unwrap().trim().parse().unwrap();
    let id = text.lines().find_map(|l| l.strip_prefix("id = ")).unwrap().trim().trim_matches('"').to_string();
    // The version the demo already published: unchanged is said so; changed is refused.
    let same = checklist(&mut b, &csrf, "/office/data/preview", text.clone()).await;
    assert!(same.body.contains("已发布且内容相同"), "{}", same.body);
    let changed = text.replacen("title = \"", "title = \"（改）", 1);
    let refused = checklist(&mut b, &csrf, "/office/data/import", changed.clone()).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("已发布"), "{}", refused.body);
    // A broken file names what is wrong; nothing is stored.
    let broken = checklist(&mut b, &csrf, "/office/data/preview", text.replace("[[sections]]", "[[sectons]]")).await;
    assert_eq!(broken.status, 400);
    // The next version: previewed, then published, then on the server.
    let next = changed.replacen(&format!("version = {version}"), &format!("version = {}", version + 1), 1);
    let key = format!("{id}@{}", version + 1);
    let stored = |s: &OfficeServer| {
        super::support::blocking(|| {
            let mut db = s.state.lock();
            db.sql
                .query_opt("SELECT 1 FROM doc_access WHERE doc_id = $1", lianjian_sync_server::args![&key])
                .unwrap()
                .is_some()
        })
    };
    let seen = checklist(&mut b, &csrf, "/office/data/preview", next.clone()).await;
    assert!(seen.body.contains(&format!("{key}：将发布")), "{}", seen.body);
    assert!(!stored(&s));
    let done = checklist(&mut b, &csrf, "/office/data/import", confirm_text(&seen.body)).await;
    assert!(done.body.contains(&format!("已发布检查表 {key}")), "{}", done.body);
    assert!(stored(&s));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_set_and_a_font_are_uploaded_tried_previewed_and_imported() {
    let s = OfficeServer::start(1).await;
    let mut b = s.client();
    b.sign_in("clerk", PASSWORD).await;
    let csrf = b.csrf().await;
    let set = lianjian_documents::templates::TemplateSet::bundled();
    let manifest = toml::to_string(&set.manifest)
        .unwrap()
        .replace("id = \"lianjian-default\"", "id = \"xianan\"")
        .replace("version = \"2024.1\"", "version = \"2026.1\"");
    let files = |order: &dyn Fn(&str) -> String, with_manifest: bool| {
        let mut out: Vec<(&str, Vec<u8>)> = set
            .files
            .iter()
            .map(|(n, t)| (n.as_str(), if n == "order.typ" { order(t) } else { t.clone() }.into_bytes()))
            .collect();
        if with_manifest {
            out.push(("manifest.toml", manifest.clone().into_bytes()));
        }
        out
    };
    let fields = |kind: &'static str| [("csrf", csrf.clone()), ("kind", kind.to_string())];
    let stored = |s: &OfficeServer, id: &str| {
        super::support::blocking(|| {
            let mut db = s.state.lock();
            db.sql
                .query_opt("SELECT 1 FROM doc_access WHERE doc_id = $1", lianjian_sync_server::args![id])
                .unwrap()
                .is_some()
        })
    };
    let f = fields("template");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // Without its manifest, or with a form that does not lay out: refused, nothing stored.
    let no_manifest = b.upload("/office/data/upload", &f, &files(&|t| t.to_string(), false)).await;
    assert_eq!(no_manifest.status, 400);
    assert!(no_manifest.body.contains("manifest.toml"), "{}", no_manifest.body);
    let broken = b
        .upload("/office/data/upload", &f, &files(&|t| t.replace("#(issuer.court)", "#(issuer.no_such_field)"), true))
        .await;
    assert_eq!(broken.status, 400);
    assert!(broken.body.contains("责令限期整改指令书"), "{}", broken.body);
    let forged = b
        .upload("/office/data/upload", &[("csrf", "forged"), ("kind", "template")], &files(&|t| t.to_string(), true))
        .await;
    assert_eq!(forged.status, 403);
    assert!(!stored(&s, "template-xianan-2026.1"));
    // The good set: tried, previewed, then imported with the confirm button.
    let seen = b.upload("/office/data/upload", &f, &files(&|t| t.to_string(), true)).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert!(seen.body.contains("试排通过") && seen.body.contains("template-xianan-2026.1：将新增"), "{}", seen.body);
    assert!(!stored(&s, "template-xianan-2026.1"));
    let text = confirm_text(&seen.body);
    let done = b.post("/office/data/import", &[("csrf", &csrf), ("kind", "template"), ("text", &text)]).await;
    assert!(done.body.contains("已导入（新增）"), "{}", done.body);
    assert!(stored(&s, "template-xianan-2026.1"));
    // A confirm whose text was altered after the preview is checked again and refused.
    let altered = text.replace("#(issuer.court)", "#(issuer.no_such_field)");
    assert_ne!(altered, text);
    let refused = b.post("/office/data/import", &[("csrf", &csrf), ("kind", "template"), ("text", &altered)]).await;
    assert_eq!(refused.status, 400);

    // A font: a file that is no font is refused and nothing kept; a CJK font is staged, previewed, imported.
    let f = fields("font");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let not_a_font = b.upload("/office/data/upload", &f, &[("仿宋.ttf", "这不是字体".as_bytes().to_vec())]).await;
    assert_eq!(not_a_font.status, 400);
    assert!(not_a_font.body.contains("不是 TrueType/OpenType 字体"), "{}", not_a_font.body);
    let blobs = |s: &OfficeServer| {
        super::support::blocking(|| s.state.lock().sql.query("SELECT hash FROM blobs", &[]).unwrap().len())
    };
    let before = blobs(&s);
    let bytes =
        std::fs::read(std::path::Path::new(lianjian_documents::fonts::NOTO_DIR).join("NotoSansCJK-Regular.ttc"))
            .unwrap();
    let seen = b.upload("/office/data/upload", &f, &[("NotoSansCJK-Regular.ttc", bytes)]).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert!(seen.body.contains("Noto Sans CJK SC"), "{}", seen.body);
    assert_eq!(blobs(&s), before + 1);
    let text = confirm_text(&seen.body);
    let forged_hash = text.replacen("\"sha256\":\"", "\"sha256\":\"0", 1);
    let refused = b.post("/office/data/import", &[("csrf", &csrf), ("kind", "font"), ("text", &forged_hash)]).await;
    assert_eq!(refused.status, 400);
    let done = b.post("/office/data/import", &[("csrf", &csrf), ("kind", "font"), ("text", &text)]).await;
    assert!(done.body.contains("已导入（新增）"), "{}", done.body);
    let entries = super::support::blocking(|| {
        lianjian_sync_server::audit::list(&mut *s.state.lock().sql, None, None, None).unwrap()
    });
    assert!(entries.iter().filter(|e| e.event == "import").count() >= 4);
}
