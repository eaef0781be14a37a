"""Refused changes handled on the device, through the Python bindings
against the real sync server: the refusal is recorded with the record and
the rule's reason in Chinese, the refused change and what depends on it are
set aside (kept, exportable), work that only depended on it is made again,
and the next sync converges. Four cases with a defined outcome each: two
officers record the same refusal offline; a colleague's change relayed
tablet to tablet; a member removed from the team; the enterprise's
rectification of a signed inspection."""

import asyncio

import pytest
from conftest import FixedClock

from lianjian_ffi import (ApiError, EvidenceTargetInput, LianjianStore, SignerInput, SyncEngine, TeamMemberInfo,
                          UserInfo)
from test_signing import handwriting, plan


def scan(d, iid, fid, tmp_path, text):
    """A scanned PDF attached to a hazard on device `d`: its bytes stay on the
    device until uploaded, and the sync announces them so the reference is
    accepted meanwhile (a hash nobody is uploading is refused)."""
    path = tmp_path / f"{text}.pdf"
    path.write_bytes(b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n")
    return d[0].ingest_media(iid, EvidenceTargetInput.FINDING(finding_id=fid), "hazard", str(path)).sha256


def device(tmp_path, url, user, label):
    name, code, _ = user
    store = LianjianStore.open_with_clock(str(tmp_path / f"{label}.db"), FixedClock("2026-03-18T09:00:00+08:00"))
    engine = SyncEngine(url)
    enrollment = asyncio.run(engine.enroll(store, code, f"平板{label}"))
    store.sign_in(UserInfo(person_id=enrollment.user_id, name=name, role=enrollment.role))
    return store, engine, enrollment.token, enrollment.user_id, name


def sync(d):
    store, engine, token = d[0], d[1], d[2]
    return asyncio.run(engine.sync(store, token, None))


def clean(d):
    report = sync(d)
    assert report.rejected == [], report.rejected
    return report


@pytest.fixture(scope="module")
def devices(server, tmp_path_factory):
    """One tablet per person, enrolled once (codes are single-use)."""
    url, users = server
    tmp = tmp_path_factory.mktemp("refusals")
    return (device(tmp, url, users["检查组组长"][0], "lead"), device(tmp, url, users["检查人员"][0], "m1"),
            device(tmp, url, users["检查人员"][1], "m2"), device(tmp, url, users["企业"][0], "ent"))


@pytest.fixture
def team(devices):
    """A new inspection of the enterprise user's enterprise, planned by the lead with m1."""
    lead, m1, m2, ent_dev = devices
    for d in devices:
        clean(d)
    mine = ent_dev[0].search_enterprises("", 5)
    assert len(mine) == 1, "an enterprise user holds its own file only"
    ent = lead[0].search_enterprises(mine[0].name, 1)[0]
    checklist = lead[0].latest_checklists(ent.industry)[0]
    iid = plan(lead[0], lead[3], lead[4], m1[3], m1[4], ent, checklist)
    finding = lead[0].add_finding(iid, _finding())
    return dict(lead=lead, m1=m1, m2=m2, ent=ent_dev, iid=iid, finding=finding.id, enterprise=ent)


def _finding():
    from lianjian_ffi import FindingInput
    return FindingInput(description="消防通道堆放杂物", location="二号仓库", item_code=None, grade="三级",
                        requirement="立即清理")


def test_two_officers_record_the_same_refusal_offline(team, tmp_path):
    lead, m1, iid = team["lead"], team["m1"], team["iid"]
    clean(lead)
    clean(m1)
    # m1 scans a permit onto the first hazard (its bytes stay on the tablet for now); the lead records a second.
    evidence = scan(m1, iid, team["finding"], tmp_path, "m1-scan")
    second = lead[0].add_finding(iid, _finding()).id
    lead[0].set_inspection_status(iid, "awaiting_signature")
    clean(lead)
    clean(m1)
    # Both offline: each records the enterprise's refusal; m1 then files the scan under the second hazard too.
    lead[0].refuse_to_sign(iid, "site_record", "企业负责人对结论有异议，拒绝签字")
    m1[0].refuse_to_sign(iid, "site_record", "企业负责人拒签")
    m1[0].attach_evidence(iid, second, evidence)
    clean(lead)
    report = sync(m1)
    # The second refusal is refused; the photo only depended on it and is made again.
    assert [r.code for r in report.rejected] == ["signing"]
    assert report.set_aside == 2 and report.reapplied == 1
    refusal = m1[0].refusals()[0]
    assert refusal.record == f"「{team['enterprise'].name}」的检查"
    assert "已由其他人员记录" in refusal.reason and refusal.set_aside == 2
    aside = {c.state: c for c in m1[0].set_aside_changes(iid)}
    assert aside["set_aside"].refused and aside["reapplied"].reapplied_as
    assert len(m1[0].export_set_aside(iid)) > 0
    # One more sync converges: the photo goes up, the lead's refusal comes down.
    clean(m1)
    assert sync(m1).rejected == []
    clean(lead)
    assert evidence in next(f for f in lead[0].findings(iid) if f.id == second).evidence
    assert lead[0].signing_state(iid) == m1[0].signing_state(iid)


def test_a_colleagues_change_relayed_tablet_to_tablet(team, tmp_path):
    lead, m1, iid, fid = team["lead"], team["m1"], team["iid"], team["finding"]
    clean(lead)
    clean(m1)
    # On site without signal: m1 re-grades, its tablet hands the document to the lead's.
    m1[0].set_finding_grade(iid, fid, "二级", None)
    assert lead[0].receive_document(iid, m1[0].export_document(iid))
    evidence = scan(lead, iid, fid, tmp_path, "lead-scan")
    report = sync(lead)
    # Only m1's device may send m1's change: it waits aside; the lead's own edit is made again.
    assert [r.code for r in report.rejected] == ["foreign_actor"]
    assert report.set_aside == 2 and report.reapplied == 1
    clean(lead)
    assert lead[0].findings(iid)[0].grade == "三级"
    # m1 syncs its own change; the lead gets it back, and the aside copy is superseded.
    clean(m1)
    clean(lead)
    found = lead[0].findings(iid)[0]
    assert found.grade == "二级" and evidence in found.evidence
    states = sorted(c.state for c in lead[0].set_aside_changes(iid))
    assert states == ["reapplied", "superseded"], states


def test_a_member_removed_from_the_team(team):
    lead, m1, m2, iid = team["lead"], team["m1"], team["m2"], team["iid"]
    lead[0].put_team_member(iid, TeamMemberInfo(person_id=m2[3], name=m2[4], department="fire_rescue",
                                                role="inspector", certificate_no="42120003",
                                                qualifications=[team["enterprise"].industry]))
    clean(lead)
    clean(m1)
    # m1, offline, records a hazard; meanwhile the lead removes m1 from the team.
    m1[0].add_finding(iid, _finding())
    lead[0].remove_team_member(iid, m1[3])
    clean(lead)
    report = sync(m1)
    assert [r.code for r in report.rejected] == ["forbidden"]
    assert report.set_aside == 1 and report.reapplied == 0
    assert "不在检查组" in m1[0].refusals()[0].reason
    # The hazard is kept aside (exportable to the office), not re-sent.
    assert len(m1[0].findings(iid)) == 1
    assert [c.state for c in m1[0].set_aside_changes(iid)] == ["set_aside"]
    assert len(m1[0].export_set_aside(iid)) > 0
    assert sync(m1).rejected == []


def test_the_enterprise_rectifies_a_signed_inspection(team):
    lead, m1, ent, iid, fid = team["lead"], team["m1"], team["ent"], team["iid"], team["finding"]
    store = lead[0]
    store.set_inspection_status(iid, "awaiting_signature")
    store.sign_record(iid, "findings", SignerInput(name="企业负责人", role="responsible_person", person_id=None),
                      handwriting(1), 400, 160)
    store.refuse_to_sign(iid, "site_record", "企业负责人拒绝在现场记录上签字")
    for rec in ["findings", "site_record"]:
        for pid, name in [(lead[3], lead[4]), (m1[3], m1[4])]:
            store.sign_record(iid, rec, SignerInput(name=name, role="inspector", person_id=pid),
                              handwriting(2), 400, 160)
    store.set_inspection_status(iid, "signed")
    clean(lead)
    # The enterprise reads its signed inspection and starts the rectification.
    clean(ent)
    ent[0].set_finding_status(iid, fid, "rectifying")
    with pytest.raises(ApiError.Forbidden):
        ent[0].set_finding_grade(iid, fid, "三级", None)
    clean(ent)
    clean(lead)
    assert lead[0].findings(iid)[0].status == "rectifying"
