"""Evidence and the signing ceremony through the Python bindings, against a
real sync server: a camera photo becomes evidence (original, watermarked
copy, thumbnail, flags) and travels to a teammate; hostile files are refused;
the findings are signed by the responsible person and two inspectors, the
site record is refused (拒签) and signed by two inspectors, an interview by
its interviewee and interviewers; then every kind of tampering is detected."""

import asyncio
import copy
import hashlib
import os
import pathlib

import pytest
from conftest import FixedClock

from lianjian_ffi import (ApiError, BlobListener, ChecklistKey, EvidenceTargetInput, FindingInput, InspectionDraft,
                          InterviewInput, LianjianStore, PhotoProcessor, SignatureStatusInfo, SignerInput,
                          StrokeInput, StrokePointInput, SyncEngine, TeamMemberInfo, UserInfo, render_signature)

ROOT = pathlib.Path(__file__).resolve().parents[3]
PHOTOS = ROOT / "fixtures" / "photos"
FONT = os.environ.get("LIANJIAN_CJK_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


class Uploads(BlobListener):
    def __init__(self):
        self.events = []

    def on_blob_progress(self, progress):
        self.events.append(progress)


def device(tmp_path, url, user, label):
    name, code, _ = user
    store = LianjianStore.open_with_clock(str(tmp_path / f"{label}.db"), FixedClock("2026-04-20T09:00:00+08:00"))
    engine = SyncEngine(url)
    enrollment = asyncio.run(engine.enroll(store, code, f"平板{label}"))
    store.sign_in(UserInfo(person_id=enrollment.user_id, name=name, role=enrollment.role))
    return store, engine, enrollment.token, enrollment.user_id, name


def sync(engine, store, token):
    report = asyncio.run(engine.sync(store, token, None))
    assert report.rejected == [], report.rejected


def handwriting(seed):
    import math
    return [StrokeInput(points=[StrokePointInput(x=30.0 + s * 110 + i * 3, y=80 + math.sin((i + seed + s) / 2) * 45,
                                                 t=s * 700 + i * 9, pressure=0.5)
                                for i in range(30)]) for s in range(3)]


def plan(lead, lead_id, lead_name, insp_id, insp_name, ent, checklist):
    team = [
        TeamMemberInfo(person_id=lead_id, name=lead_name, department="emergency_management", role="lead",
                       certificate_no="42120001", qualifications=[ent.industry]),
        TeamMemberInfo(person_id=insp_id, name=insp_name, department="fire_rescue", role="inspector",
                       certificate_no="42120002", qualifications=[ent.industry]),
    ]
    key = ChecklistKey(id=checklist.id, version=checklist.version)
    iid = lead.create_inspection(InspectionDraft(enterprise_id=ent.id, checklists=[key], team=team,
                                                 scheduled_at="2026-03-18T08:30:00+08:00"))
    lead.set_inspection_status(iid, "in_progress")
    return iid


def status_kind(status):
    if isinstance(status, SignatureStatusInfo.VALID):
        return "valid"
    if isinstance(status, SignatureStatusInfo.CHANGED_AFTER_SIGNING):
        return "changed"
    return "invalid"


def test_evidence_signatures_and_tampering(server, tmp_path):
    url, users = server
    lead, lead_engine, lead_token, lead_id, lead_name = device(tmp_path, url, users["检查组组长"][0], "L")
    member, member_engine, member_token, insp_id, insp_name = device(tmp_path, url, users["检查人员"][0], "M")
    sync(lead_engine, lead, lead_token)
    ent = lead.search_enterprises("鑫源化工", 1)[0]
    checklist = lead.latest_checklists(ent.industry)[0]
    iid = plan(lead, lead_id, lead_name, insp_id, insp_name, ent, checklist)
    finding = lead.add_finding(iid, FindingInput(description="储罐区防静电接地线断开", location="储罐区",
                                                 item_code=None, grade="二级", requirement="立即修复接地"))

    # A camera photo: the original untouched, copies made, flags shown.
    processor = PhotoProcessor(FONT, 2)
    original = (PHOTOS / "site-12mp.jpg").read_bytes()
    target = EvidenceTargetInput.FINDING(finding_id=finding.id)
    ev = lead.ingest_photo(iid, target, "hazard", str(PHOTOS / "site-12mp.jpg"), processor)
    assert ev.sha256 == hashlib.sha256(original).hexdigest()
    assert (ev.width, ev.height, ev.orientation, ev.device) == (4032, 3024, 6, "Xiaomi Redmi Note 12 Pro")
    assert ev.captured_at == "2026-03-18T10:42:17+08:00"
    assert pathlib.Path(lead.blob_path(ev.sha256)).read_bytes() == original
    assert pathlib.Path(lead.blob_path(ev.display_sha256)).read_bytes()[:3] == b"\xff\xd8\xff"
    # Taken in March, attached on 04-20: the capture time is flagged, the place
    # (about 90 m from the enterprise's coordinates) is not.
    kinds = [f.kind for f in ev.flags]
    assert "time_far_from_inspection" in kinds and "far_from_enterprise" not in kinds, kinds
    assert [e.sha256 for e in lead.flagged_evidence(iid)] == [ev.sha256]

    # Hostile files: a clear error, nothing stored.
    for bad in ["bomb-50000.png", "bomb-50000.jpg", "crafted-30.png", "not-an-image.jpg", "truncated.jpg"]:
        with pytest.raises(ApiError.InvalidEvidence):
            lead.ingest_photo(iid, target, "hazard", str(PHOTOS / "bad" / bad), processor)
    assert len(lead.evidence(iid)) == 1

    # The photos reach the server, and a teammate downloads the original.
    uploads = Uploads()
    report = asyncio.run(lead_engine.upload_blobs(lead, lead_token, uploads))
    assert report.failed == []
    assert {ev.sha256, ev.display_sha256, ev.thumbnail_sha256} <= set(report.acked)
    assert uploads.events[-1].bytes_done == uploads.events[-1].bytes_total
    sync(lead_engine, lead, lead_token)
    sync(member_engine, member, member_token)
    path = asyncio.run(member_engine.download_blob(member, member_token, ev.sha256, "image/jpeg"))
    assert pathlib.Path(path).read_bytes() == original

    # An interview, signed on site by the interviewee and both interviewers.
    interview = lead.add_interview(iid, InterviewInput(name="董秀英", id_number="421202198805126624",
                                                       position="安全管理员", phone="15455921587",
                                                       interviewers=[lead_id, insp_id], place="企业会议室"))
    lead.append_qa(iid, interview, "接地线何时断开？", "上周叉车撞断，尚未修复。")
    record = f"interview:{interview}"
    lead.sign_record(iid, record, SignerInput(name="董秀英", role="interviewee", person_id=None),
                     handwriting(1), 400, 160)
    for pid, name in [(lead_id, lead_name), (insp_id, insp_name)]:
        lead.sign_record(iid, record, SignerInput(name=name, role="inspector", person_id=pid),
                         handwriting(2), 400, 160)

    # Meanwhile the teammate, offline, changes the hazard's grade.
    member.set_finding_grade(iid, finding.id, "一级", "stop_using_equipment")

    # Presented for signature: not final until the rules are met.
    lead.set_inspection_status(iid, "awaiting_signature")
    missing = {s.record: s for s in lead.signing_state(iid)}
    assert not missing["findings"].complete
    assert any("企业负责人" in m for m in missing["findings"].missing)
    assert missing[record].complete
    with pytest.raises(ApiError.Validation) as e:
        lead.set_inspection_status(iid, "signed")
    assert e.value.field == "signatures"

    # Findings: the responsible person and two inspectors sign.
    with pytest.raises(ApiError.Validation):
        lead.sign_record(iid, "findings", SignerInput(name="袁海燕", role="responsible_person", person_id=None),
                         [StrokeInput(points=[StrokePointInput(x=5, y=5, t=0, pressure=1)])], 400, 160)
    lead.sign_record(iid, "findings", SignerInput(name="袁海燕", role="responsible_person", person_id=None),
                     handwriting(3), 400, 160)
    # Site record: the responsible person refuses; two inspectors sign.
    with pytest.raises(ApiError.Validation):
        lead.refuse_to_sign(iid, "site_record", " ")
    lead.refuse_to_sign(iid, "site_record", "企业负责人对检查结论有异议，拒绝签字")
    for rec in ["findings", "site_record"]:
        for pid, name in [(lead_id, lead_name), (insp_id, insp_name)]:
            lead.sign_record(iid, rec, SignerInput(name=name, role="inspector", person_id=pid),
                             handwriting(4), 400, 160)
    checks = lead.verify_signatures(iid)
    assert len(checks) == 8 and all(status_kind(c.status) == "valid" for c in checks)
    assert all(s.complete for s in lead.signing_state(iid))
    lead.set_inspection_status(iid, "signed")
    png = render_signature(handwriting(3), 400, 160, 2.0)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"

    # The tampering matrix: every forged package is refused.
    other_iid = plan(lead, lead_id, lead_name, insp_id, insp_name, ent, checklist)
    signatures = [c.signature for c in checks]
    stranger = LianjianStore.open(str(tmp_path / "stranger.db")).device_public_key()
    detected = total = 0

    def forged(s, **changes):
        f = copy.copy(s)
        for k, v in changes.items():
            setattr(f, k, v)
        return f

    for i, s in enumerate(signatures):
        assert status_kind(lead.verify_signature_package(iid, s)) == "valid"
        other = signatures[(i + 1) % len(signatures)]
        snapshot = s.snapshot.replace("储罐区", "仓库区", 1) if "储罐区" in s.snapshot else s.snapshot.replace("}", ' }', 1)
        cases = [
            (iid, forged(s, snapshot=snapshot)),
            (iid, forged(s, snapshot=snapshot, snapshot_sha256=hashlib.sha256(snapshot.encode()).hexdigest())),
            (iid, forged(s, device_signature=other.device_signature)),
            (iid, forged(s, record="site_record" if s.record != "site_record" else "findings")),
            (iid, forged(s, signer_name="王某")),
            (iid, forged(s, signed_at="2026-01-01T00:00:00+08:00")),
            (iid, forged(s, device_key=stranger)),
            (other_iid, s),
            (other_iid, forged(s, inspection_id=other_iid)),
        ]
        for inspection, package in cases:
            total += 1
            if status_kind(lead.verify_signature_package(inspection, package)) == "invalid":
                detected += 1
    assert total == 72 and detected == total, f"{detected}/{total} detected"

    # The teammate's grade change arrives after signing: shown as a change,
    # never inside the frozen records.
    sync(lead_engine, lead, lead_token)
    sync(member_engine, member, member_token)
    sync(lead_engine, lead, lead_token)
    after = {c.signature.id: c for c in lead.verify_signatures(iid)}
    findings_checks = [c for c in after.values() if c.signature.record == "findings"]
    assert all(status_kind(c.status) == "changed" for c in findings_checks)
    changes = [ch.description for ch in findings_checks[0].status.changes]
    assert any("隐患等级 由「二级」改为「一级」" in d for d in changes), changes
    assert all(status_kind(c.status) == "valid" for c in after.values() if c.signature.record == record)
    # The signature images travelled to the server with the photos.
    report = asyncio.run(lead_engine.upload_blobs(lead, lead_token, None))
    assert {c.signature.image_sha256 for c in checks} <= set(report.acked) | {ev.sha256}
