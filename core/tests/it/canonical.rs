//! The canonical form of signed records and of the signed message, pinned by
//! snapshot tests: an accidental change to either would make every stored
//! signature "changed after signing" (or invalid), so it must be deliberate
//! (a new format version) and show up in review as a snapshot diff.

use lianjian_core::model::*;
use lianjian_core::signing::canonical::canonical_record;
use lianjian_core::signing::{DeviceKey, RecordRef, Refusal, SignatureEntry, Signer, SignerRole};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::support::*;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0193a000_0000_7000_8000_000000000000 | n)
}

/// An inspection with every id and time fixed.
fn fixed_inspection() -> Inspection {
    let e = enterprise("hazardous_chemicals");
    let c = checklist("hazardous_chemicals");
    let mut t = team("hazardous_chemicals");
    for (i, m) in t.members.iter_mut().enumerate() {
        m.person = PersonId::from_uuid(id(0x100 + i as u128));
    }
    t.a.person = t.members[1].person;
    t.b.person = t.members[2].person;
    let mut insp = new_inspection(&e, &c, &t, at("2026-03-17T16:00:00+08:00"));
    insp.id = InspectionId::from_uuid(id(1));
    insp.status = InspectionStatus::AwaitingSignature;
    insp.started_at = Some(at("2026-03-18T09:00:00+08:00"));
    insp.ended_at = Some(at("2026-03-18T11:30:00+08:00"));
    let items = &c.sections[0].items;
    for (n, (item, text)) in
        [(&items[0], "储罐区防静电接地线断开"), (&items[1], "消防通道堵塞，\r\n堆放杂物")].into_iter().enumerate()
    {
        let mut f = finding(item, &t.a, at(&format!("2026-03-18T10:4{n}:00+08:00")), text);
        f.id = FindingId::from_uuid(id(0x200 + n as u128));
        f.evidence = vec!["b".repeat(64), "a".repeat(64)];
        insp.findings.insert(f.id.to_string(), f);
    }
    let measured =
        c.sections.iter().flat_map(|s| &s.items).find(|i| matches!(i.kind, ItemKind::Measurement { .. })).unwrap();
    let r = response(measured, &t.b, 4.25, at("2026-03-18T10:00:00+08:00"));
    insp.responses.insert(r.key(), r);
    let interview = interview(InterviewId::from_uuid(id(0x300)), &t, "接地检测记录在哪里？", "在安全科。");
    insp.interviews.insert(interview.id.to_string(), interview);
    insp.refusals.insert(
        "findings".into(),
        Refusal {
            record: "findings".into(),
            reason: "对隐患等级有异议".into(),
            recorded_by: t.a.person,
            recorded_at: at("2026-03-18T11:40:00+08:00"),
        },
    );
    insp
}

fn canonical(record: &RecordRef) -> (String, String) {
    let bytes = canonical_record(&fixed_inspection(), record).unwrap();
    let sha = hex::encode(Sha256::digest(&bytes));
    (String::from_utf8(bytes).unwrap(), sha)
}

#[test]
fn findings_record() {
    let (text, sha) = canonical(&RecordRef::Findings);
    insta::assert_snapshot!("findings_record", text);
    insta::assert_snapshot!("findings_record_sha256", sha);
}

#[test]
fn site_record() {
    let (text, sha) = canonical(&RecordRef::SiteRecord);
    insta::assert_snapshot!("site_record", text);
    insta::assert_snapshot!("site_record_sha256", sha);
}

#[test]
fn interview_record() {
    let (text, sha) = canonical(&RecordRef::Interview(InterviewId::from_uuid(id(0x300))));
    insta::assert_snapshot!("interview_record", text);
    insta::assert_snapshot!("interview_record_sha256", sha);
}

#[test]
fn signed_message_and_signature() {
    let (snapshot, snapshot_sha256) = canonical(&RecordRef::Findings);
    let key = DeviceKey::from_seed([7u8; 32]);
    let mut entry = SignatureEntry {
        id: id(0x400).to_string(),
        inspection: InspectionId::from_uuid(id(1)),
        record: "findings".into(),
        snapshot,
        snapshot_sha256,
        heads: vec!["c".repeat(64)],
        signer: Signer { name: "袁海燕".into(), role: SignerRole::ResponsiblePerson, person: None },
        signed_at: at("2026-03-18T11:45:00+08:00"),
        strokes: "[[[300,800,0,500],[330,790,8,600]]]".into(),
        image_sha256: "d".repeat(64),
        device_key: key.public_hex(),
        device_signature: String::new(),
    };
    entry.device_signature = key.sign_hex(&entry.message());
    insta::assert_snapshot!("signed_message", String::from_utf8(entry.message()).unwrap());
    // ed25519 is deterministic: the same key and message give the same bytes.
    insta::assert_snapshot!("device_signature", format!("{}\n{}", entry.device_key, entry.device_signature));
}
