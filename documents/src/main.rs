//! `lianjian-documents demo DIR`: every form of a demo inspection, signed,
//! with a refusal and a 续页, written as PDF into DIR so anyone can look.

use std::path::PathBuf;

use lianjian_core::model::Department;
use lianjian_core::signing::RecordRef;
use lianjian_documents::fonts::{FontSet, NOTO_DIR};
use lianjian_documents::templates::Templates;
use lianjian_documents::{demo, render_inspection, Engine, FormKind, Request};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = match args.as_slice() {
        [cmd, dir] if cmd == "demo" => PathBuf::from(dir),
        _ => {
            eprintln!("usage: lianjian-documents demo DIR");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&dir) {
        eprintln!("demo failed: {e}");
        std::process::exit(1);
    }
}

fn run(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let work = std::env::temp_dir().join(format!("lianjian-documents-demo-{}", std::process::id()));
    let fonts = FontSet::default_in(std::path::Path::new(NOTO_DIR))?;
    let engine = Engine::new(fonts, Templates::bundled());
    let issued_at = chrono::DateTime::parse_from_rfc3339("2026-03-18T11:50:00+08:00")?;
    let request = |kind: FormKind, number: &str| Request {
        kind,
        number: Some(number.into()),
        department: Department::EmergencyManagement,
        office: String::new(),
        date: issued_at.date_naive(),
        issued_at,
    };
    let scheme = lianjian_core::rules::grades::GradeScheme::three_level();
    let write = |name: &str,
                 store: &mut lianjian_core::store::Store,
                 id,
                 req: Request|
     -> Result<(), Box<dyn std::error::Error>> {
        let doc = store.inspection_doc(id)?;
        let out = render_inspection(&engine, doc.automerge(), &scheme, &req)?;
        let path = dir.join(name);
        std::fs::write(&path, &out.pdf)?;
        println!("{}  {} 页  {} 字节", path.display(), out.pages(), out.pdf.len());
        Ok(())
    };
    // Signed by everyone.
    let (mut store, insp, team) = demo::inspection(&work.join("signed"), 5)?;
    demo::sign(&mut store, &insp, &team, &RecordRef::Findings, None)?;
    write(
        "责令限期整改指令书.pdf",
        &mut store,
        &insp.id,
        request(FormKind::RectificationOrder, "（咸安）应急责改〔2026〕12号"),
    )?;
    // Refused, and long enough for a 续页.
    let (mut store, insp, team) = demo::inspection(&work.join("refused"), 24)?;
    demo::sign(&mut store, &insp, &team, &RecordRef::Findings, Some("企业负责人对隐患等级有异议，拒绝签字"))?;
    write(
        "责令限期整改指令书-拒签-续页.pdf",
        &mut store,
        &insp.id,
        request(FormKind::RectificationOrder, "（咸安）应急责改〔2026〕13号"),
    )?;
    std::fs::remove_dir_all(&work)?;
    Ok(())
}
