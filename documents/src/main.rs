//! `lianjian-documents demo DIR`: every form of a demo inspection, signed,
//! with a refusal, a 续页 and a three-page 询问笔录, written as PDF into DIR
//! so anyone can look at them.

use std::path::{Path, PathBuf};

use lianjian_core::model::Department;
use lianjian_core::signing::RecordRef;
use lianjian_core::store::Store;
use lianjian_documents::fonts::{FontSet, NOTO_DIR};
use lianjian_documents::render::Context;
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

type Outcome = Result<(), Box<dyn std::error::Error>>;

fn run(dir: &Path) -> Outcome {
    std::fs::create_dir_all(dir)?;
    let work = std::env::temp_dir().join(format!("lianjian-documents-demo-{}", std::process::id()));
    let engine = Engine::new(FontSet::default_in(Path::new(NOTO_DIR))?, Templates::bundled());
    let issued_at = chrono::DateTime::parse_from_rfc3339("2026-03-18T11:50:00+08:00")?;
    let request = |kind: FormKind, number: Option<&str>| Request {
        number: number.map(str::to_string),
        ..Request::new(kind, Department::EmergencyManagement, issued_at)
    };
    let write = |name: &str, store: &mut Store, insp: &lianjian_core::model::Inspection, req: Request| -> Outcome {
        let ctx = Context {
            scheme: lianjian_core::rules::grades::GradeScheme::three_level(),
            enterprise: Some(store.enterprise(&insp.enterprise)?),
        };
        let doc = store.inspection_doc(&insp.id)?;
        let out = render_inspection(&engine, doc.automerge(), &ctx, &req)?;
        let path = dir.join(name);
        std::fs::write(&path, &out.pdf)?;
        println!("{}  {} 页  {} 字节", path.display(), out.pages(), out.pdf.len());
        Ok(())
    };

    // Signed by everyone, with a three-page interview.
    let (mut store, insp, team, interview) = demo::inspection_with_interview(&work.join("signed"), 5, 40)?;
    for record in [RecordRef::Findings, RecordRef::SiteRecord] {
        demo::sign(&mut store, &insp, &team, &record, None)?;
    }
    let interview = interview.expect("asked for");
    demo::sign_interview(&mut store, &insp, &team, interview)?;
    let order = "（咸安）应急责改〔2026〕12号";
    write(
        "1-现场检查记录.pdf",
        &mut store,
        &insp,
        request(FormKind::SiteRecord, Some("（咸安）应急检记〔2026〕12号")),
    )?;
    write(
        "2-现场处理措施决定书.pdf",
        &mut store,
        &insp,
        request(FormKind::OnSiteDecision, Some("（咸安）应急现决〔2026〕5号")),
    )?;
    write("3-责令限期整改指令书.pdf", &mut store, &insp, request(FormKind::RectificationOrder, Some(order)))?;
    let mut review = request(FormKind::ReviewOpinion, Some("（咸安）应急复查〔2026〕7号"));
    review.origin = Some((order.into(), issued_at.date_naive()));
    write("4-整改复查意见书.pdf", &mut store, &insp, review)?;
    let mut asked = request(FormKind::Interview, None);
    asked.interview = Some(interview);
    write("5-询问笔录.pdf", &mut store, &insp, asked)?;
    let mut receipt = request(FormKind::ServiceReceipt, None);
    receipt.delivered =
        vec![format!("责令限期整改指令书 {order}"), "现场处理措施决定书 （咸安）应急现决〔2026〕5号".into()];
    write("6-文书送达回执.pdf", &mut store, &insp, receipt)?;
    write("7-隐患清单.pdf", &mut store, &insp, request(FormKind::HazardList, None))?;

    // Refused, and long enough for a 续页; delivered by 留置送达.
    let (mut store, insp, team) = demo::inspection(&work.join("refused"), 24)?;
    demo::sign(&mut store, &insp, &team, &RecordRef::Findings, Some("企业负责人对隐患等级有异议，拒绝签字"))?;
    let order = "（咸安）应急责改〔2026〕13号";
    write("8-责令限期整改指令书-拒签-续页.pdf", &mut store, &insp, request(FormKind::RectificationOrder, Some(order)))?;
    let mut receipt = request(FormKind::ServiceReceipt, None);
    receipt.delivered = vec![format!("责令限期整改指令书 {order}")];
    write("9-文书送达回执-留置送达.pdf", &mut store, &insp, receipt)?;
    std::fs::remove_dir_all(&work)?;
    Ok(())
}
