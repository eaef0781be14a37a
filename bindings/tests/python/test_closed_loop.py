"""The closed loop through the bindings and the real sync server: a team finds
three hazards and the enterprise signs; the enterprise's device, offline,
reports on two with after-photos paired with the before-photos (one a reused
picture, flagged); an officer returns one with a reason, which reaches the
enterprise; it reports again; the officers accept, the 复查 passes and the
hazard is closed, and the day's 整改复查意见书 is signed by the enterprise and
two officers and printed; the third passes its deadline, is overdue on every
device, and the office escalates it (提醒, then 督办函), which the enterprise
sees. Each step is an event the server checked with the same rules; a step
a role may not take is refused on the device and on the server."""

import asyncio

import pytest
from conftest import FixedClock

from lianjian_ffi import (ApiError, ChangeListener, DocumentEngine, DocumentOptions, EvidenceTargetInput,
                          FindingInput, LianjianStore, PhotoPairInput, PhotoProcessor, RectificationInput,
                          SignatureStatusInfo, SignerInput, SyncEngine, UserInfo)
from test_signing import FONT, PHOTOS, handwriting, plan


class Heard(ChangeListener):
    """Counts the task-list changes a sync announces."""

    def __init__(self):
        self.tasks = 0

    def on_change(self, document_ids):
        pass

    def on_tasks_changed(self):
        self.tasks += 1


class Device:
    def __init__(self, tmp, url, user, label, now):
        name, code, _ = user
        self.clock = FixedClock(now)
        self.store = LianjianStore.open_with_clock(str(tmp / f"{label}.db"), self.clock)
        self.engine = SyncEngine(url)
        enrollment = asyncio.run(self.engine.enroll(self.store, code, f"平板{label}"))
        self.token, self.id, self.name = enrollment.token, enrollment.user_id, name
        self.store.sign_in(UserInfo(person_id=enrollment.user_id, name=name, role=enrollment.role))

    def sync(self):
        report = asyncio.run(self.engine.sync(self.store, self.token, None))
        assert report.rejected == [], report.rejected
        return report

    def upload(self):
        return asyncio.run(self.engine.upload_blobs(self.store, self.token, None))


@pytest.fixture(scope="module")
def people(server, tmp_path_factory):
    """One device per person, enrolled once (codes are single-use)."""
    url, users = server
    tmp = tmp_path_factory.mktemp("loop")
    at = "2026-03-18T09:00:00+08:00"
    return dict(lead=Device(tmp, url, users["检查组组长"][0], "lead", at),
                member=Device(tmp, url, users["检查人员"][0], "member", at),
                ent=Device(tmp, url, users["企业"][0], "ent", at),
                office=Device(tmp, url, users["联检办"][0], "office", at),
                zhao=Device(tmp, url, users["检查人员"][1], "zhao", at))


def visit(lead, officer, others):
    """Everyone syncs at the start of the visit; the lead plans an inspection
    of the enterprise user's enterprise with `officer`. Returns (enterprise, id)."""
    for d in (lead, officer, *others):
        d.clock.set("2026-03-18T09:00:00+08:00")
        d.sync()
    ent = others[0]
    mine = ent.store.search_enterprises("", 5)[0]
    company = lead.store.search_enterprises(mine.name, 1)[0]
    checklist = lead.store.latest_checklists(company.industry)[0]
    return company, plan(lead.store, lead.id, lead.name, officer.id, officer.name, company, checklist)


def sign_and_order(lead, officer, iid, found):
    """The enterprise signs, both officers sign, the inspection is marked
    signed and the orders are handed over; the lead syncs and uploads."""
    lead.store.set_inspection_status(iid, "awaiting_signature")
    for record in ["findings", "site_record"]:
        lead.store.sign_record(iid, record, SignerInput(name="企业负责人", role="responsible_person", person_id=None),
                               handwriting(1), 400, 160)
        for pid, name in [(lead.id, lead.name), (officer.id, officer.name)]:
            lead.store.sign_record(iid, record, SignerInput(name=name, role="inspector", person_id=pid),
                                   handwriting(2), 400, 160)
    lead.store.set_inspection_status(iid, "signed")
    for f in found:
        lead.store.order_rectification(iid, f.id)
    lead.sync()
    assert lead.upload().failed == []


def hazard(description, grade):
    return FindingInput(description=description, location="储罐区", item_code=None, grade=grade,
                        requirement="限期整改")


def test_a_hazard_is_reported_returned_reported_again_reinspected_and_closed(people, tmp_path):
    lead, member, ent, office = people["lead"], people["member"], people["ent"], people["office"]
    company, iid = visit(lead, member, [ent])

    # On site: three hazards, each photographed.
    processor = PhotoProcessor(FONT, 2)
    found = [lead.store.add_finding(iid, hazard(d, g)) for d, g in
             [("防静电接地线断开", "二级"), ("消防通道堆放杂物", "三级"), ("安全出口指示灯损坏", "三级")]]
    before = [lead.store.ingest_photo(iid, EvidenceTargetInput.FINDING(finding_id=f.id), "hazard",
                                      str(PHOTOS / name), processor).sha256
              for f, name in zip(found, ["site-12mp.jpg", "other-scene.jpg", "plain.png"])]
    # Signed by the enterprise and both officers; the orders are handed over.
    sign_and_order(lead, member, iid, found)

    # The enterprise sees its hazards with their deadlines.
    ent.clock.set("2026-03-25T09:00:00+08:00")
    ent.sync()
    due = {f.id: f for f in ent.store.rectifications_due()}
    assert set(due) == {f.id for f in found}
    assert all(f.life_state == "rectifying" for f in due.values())
    # The enterprise may not review its own report, nor order anything.
    with pytest.raises(ApiError.Forbidden):
        ent.store.order_rectification(iid, found[2].id)

    # Offline, it photographs the fixes: the first picture reuses the site's (flagged).
    afters = []
    for f, name in zip(found[:2], ["site-again.jpg", "other-scene.jpg"]):
        ev = ent.store.ingest_photo(iid, EvidenceTargetInput.FINDING(finding_id=f.id), "rectification",
                                    str(PHOTOS / name), processor)
        afters.append(ev)
    assert any(x.kind == "duplicate_picture" for x in afters[0].flags), afters[0].flags
    assert any(x.kind == "duplicate_picture" for x in afters[1].flags), "the very same file"
    reports = []
    for f, b, a in zip(found[:2], before[:2], afters):
        reports.append(ent.store.submit_rectification(iid, RectificationInput(
            finding_id=f.id, measures="已整改完毕", responsible="安全科 王敏", completed_on="2026-03-24",
            cost_fen=50000, photos=[PhotoPairInput(before=b, after=a.sha256)], files=[],
            requests_reinspection=True)))
    # A report with a before-photo of another hazard is refused on the device.
    with pytest.raises(ApiError.Validation):
        ent.store.submit_rectification(iid, RectificationInput(
            finding_id=found[2].id, measures="已修复", responsible="王敏", completed_on="2026-03-24", cost_fen=None,
            photos=[PhotoPairInput(before=before[0], after=afters[0].sha256)], files=[],
            requests_reinspection=False))
    ent.sync()
    assert ent.upload().failed == []

    # The officers review: one returned with a reason and a new deadline, one accepted.
    lead.clock.set("2026-03-26T09:00:00+08:00")
    lead.sync()
    assert {f.id for f in lead.store.reviews_due()} == {found[0].id, found[1].id}
    lead.store.return_rectification(iid, found[0].id, "整改照片与隐患现场照片为同一张，请补拍", "2026-04-03")
    lead.store.accept_rectification(iid, found[1].id)
    lead.sync()

    # The reason reaches the enterprise (its sync and its listener say its tasks changed); it reports again.
    heard = Heard()
    ent.store.add_change_listener(heard)
    ent.clock.set("2026-03-27T09:00:00+08:00")
    assert ent.sync().tasks_changed and heard.tasks == 1
    assert not ent.sync().tasks_changed and heard.tasks == 1
    returned = {f.id: f for f in ent.store.rectifications_due()}
    assert returned[found[0].id].returned_reason == "整改照片与隐患现场照片为同一张，请补拍"
    assert returned[found[0].id].due_date == "2026-04-03"
    fresh = ent.store.ingest_photo(iid, EvidenceTargetInput.FINDING(finding_id=found[0].id), "rectification",
                                   str(PHOTOS / "plain.png"), processor)
    ent.store.submit_rectification(iid, RectificationInput(
        finding_id=found[0].id, measures="重新敷设接地线", responsible="安全科 王敏", completed_on="2026-03-27",
        cost_fen=120000, photos=[PhotoPairInput(before=before[0], after=fresh.sha256)], files=[],
        requests_reinspection=True))
    ent.sync()

    # Only the issuing department decides: the member (another department) may not.
    member.clock.set("2026-03-30T10:00:00+08:00")
    member.sync()
    with pytest.raises(ApiError.Validation) as other:
        member.store.accept_rectification(iid, found[0].id)
    assert "须由应急管理的执法人员" in str(other.value)
    # The lead re-inspects both on site: passed, closed (销号).
    lead.clock.set("2026-03-30T10:00:00+08:00")
    lead.sync()
    lead.store.accept_rectification(iid, found[0].id)
    for f in found[:2]:
        lead.store.record_reinspection(iid, f.id, True, "on_site", None, None)
    # The day's 整改复查意见书: signed on the lead's tablet by the enterprise and two officers.
    record = "reinspection:2026-03-30"
    lead.store.sign_record(iid, record, SignerInput(name="复查企业代表", role="responsible_person", person_id=None),
                           handwriting(5), 400, 160)
    for pid, name in [(lead.id, lead.name), (member.id, member.name)]:
        lead.store.sign_record(iid, record, SignerInput(name=name, role="inspector", person_id=pid),
                               handwriting(6), 400, 160)
    lead.sync()
    asyncio.run(lead.engine.request_number_block(lead.store, lead.token, "review_opinion", 2026))
    opinion = DocumentEngine("/usr/share/fonts/opentype/noto").render_document(
        lead.store, iid, "review_opinion",
        DocumentOptions(department="emergency_management", office="", interview_id=None,
                        origin_number="（咸安）应急责改〔2026〕1号", origin_date="2026-03-18", delivered=[]),
        str(tmp_path / "printed"))
    import subprocess
    text = "".join(subprocess.run(["pdftotext", opinion.pdf_path, "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    for expected in ["整改复查意见书", "复查企业代表", "防静电接地线断开", "安全出口指示灯损坏"]:
        assert expected in text, (expected, text)
    member.sync()
    cycles = {c.finding_id: c for c in member.store.life_cycles(iid)}
    first = cycles[found[0].id]
    assert first.state == "closed" and first.closed_on_time is True
    assert [e.kind for e in first.events] == ["ordered", "submitted", "returned", "submitted", "accepted", "passed"]
    assert first.original_deadline != first.deadline == "2026-04-03"

    # Everyone converges; the third hazard is overdue once its deadline passes.
    third = cycles[found[2].id]
    for d in (lead, ent):
        d.clock.set(f"{third.deadline}T09:00:00+08:00")
        d.sync()
        states = {c.finding_id: c.state for c in d.store.life_cycles(iid)}
        assert states == {found[0].id: "closed", found[1].id: "closed", found[2].id: "rectifying"}
        assert [f.id for f in d.store.overdue_findings_now()] == []
    day_after = __import__("datetime").date.fromisoformat(third.deadline) + __import__("datetime").timedelta(days=1)
    ent.clock.set(f"{day_after}T09:00:00+08:00")
    assert [f.id for f in ent.store.overdue_findings_now()] == [found[2].id]
    assert [c.overdue for c in ent.store.life_cycles(iid) if c.finding_id == found[2].id] == [True]

    # The office presses the overdue hazard, step by step; the enterprise sees it.
    office.clock.set(f"{day_after}T10:00:00+08:00")
    office.sync()
    with pytest.raises(ApiError.Forbidden):
        ent.store.escalate_hazard(iid, found[2].id, "reminder", "请尽快整改")
    office.store.escalate_hazard(iid, found[2].id, "reminder", "电话提醒企业负责人")
    with pytest.raises(ApiError.Validation):
        office.store.escalate_hazard(iid, found[2].id, "reminder", "再次提醒")
    office.store.escalate_hazard(iid, found[2].id, "supervision_letter", "发出督办函")
    # Against the enterprise as a whole: every overdue hazard of it not pressed that far.
    assert office.store.escalate_enterprise(company.id, "supervision_letter", "再次督办") == 0
    assert office.store.escalate_enterprise(company.id, "interview", "约谈企业主要负责人") == 1
    office.sync()
    ent.sync()
    pressed = [f for f in ent.store.rectifications_due() if f.id == found[2].id]
    assert [f.escalation for f in pressed] == ["interview"]
    steps = [e.escalation for c in ent.store.life_cycles(iid) if c.finding_id == found[2].id for e in c.events]
    assert steps == [None, "reminder", "supervision_letter", "interview"]


def cli(server, *args):
    import subprocess
    from conftest import SERVER
    done = subprocess.run([str(SERVER), "--data", str(server.data), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


PLAN = dict(situation="液氯储罐区围堰破损，系地基沉降所致", harm_analysis="泄漏可致周边人员中毒；须停用储罐重建围堰，难度较大",
            goals="四十五日内完成围堰重建并通过评估", methods="倒空储罐，拆除旧围堰，按设计重建并做防渗处理",
            funds="专项资金 80 万元，材料由设备科落实", organization="总经理牵头，设备科、安全科负责",
            schedule="2026-05-05 前完成，每周报告进度", safety="施工期间停用储罐，设警戒，修订泄漏应急预案并演练")


def test_a_major_hazard_is_listed_treated_assessed_and_written_off(server, people, tmp_path):
    from lianjian_ffi import GovernancePlanInput
    url, _ = server
    lead, member, ent, office = people["lead"], people["member"], people["ent"], people["office"]
    company, iid = visit(lead, member, [ent, office])
    f = lead.store.add_finding(iid, hazard("液氯储罐区防泄漏围堰破损", "二级"))
    lead.store.set_finding_grade(iid, f.id, "一级", "suspend_production")
    sign_and_order(lead, member, iid, [f])

    # A second enterprise's user reads and writes none of it.
    other_company = next(e for e in lead.store.search_enterprises("", 60) if e.id != company.id)
    stranger_id = cli(server, "user-add", "--name", "另一企业负责人", "--role", "enterprise",
                      "--enterprise", other_company.id)
    stranger = Device(tmp_path, url, ("另一企业负责人", cli(server, "enroll-code", "--user", stranger_id), None),
                      "stranger", "2026-03-20T09:00:00+08:00")
    stranger.sync()
    assert stranger.store.rectifications_due() == []
    with pytest.raises(ApiError.NotFound):
        stranger.store.life_cycles(iid)

    # The enterprise's plan: refused while an element is missing, naming it.
    ent.clock.set("2026-03-20T09:00:00+08:00")
    ent.sync()
    with pytest.raises(ApiError.Validation) as missing:
        ent.store.file_governance_plan(iid, GovernancePlanInput(finding_id=f.id, files=[], **{**PLAN, "funds": ""}))
    assert "经费和物资的落实" in str(missing.value)
    # The ordinary report is not the way for a major hazard.
    with pytest.raises(ApiError.Validation):
        ent.store.submit_rectification(iid, RectificationInput(
            finding_id=f.id, measures="已整改", responsible="王敏", completed_on="2026-03-20", cost_fen=None,
            photos=[], files=[], requests_reinspection=True))
    plan_id = ent.store.file_governance_plan(iid, GovernancePlanInput(finding_id=f.id, files=[], **PLAN))
    ent.sync()

    # The office lists it (市级, public); the enterprise sees the listing.
    office.clock.set("2026-03-21T09:00:00+08:00")
    office.sync()
    with pytest.raises(ApiError.Forbidden):
        lead.store.list_for_supervision(iid, f.id, "city", "咸宁市安委办", True)
    office.store.list_for_supervision(iid, f.id, "city", "咸宁市安委办", True)
    office.sync()
    ent.clock.set("2026-04-10T09:00:00+08:00")
    ent.sync()
    cycle = ent.store.life_cycles(iid)[0]
    assert (cycle.major, cycle.plan_id, cycle.listing_level, cycle.listing_public) == (True, plan_id, "city", True)
    assert [(x.id, x.listing) for x in office.store.listed_hazards()] == [(f.id, "city")]

    # Progress, an application too early, the assessment, the application.
    ent.store.report_milestone(iid, f.id, "旧围堰已拆除，新围堰基础浇筑完成", [])
    with pytest.raises(ApiError.Validation):
        ent.store.request_resumption(iid, f.id)
    scan = tmp_path / "assessment.pdf"
    scan.write_bytes("%PDF-1.4\n% 治理效果评估报告\n%%EOF\n".encode())
    report = ent.store.ingest_media(iid, EvidenceTargetInput.FINDING(finding_id=f.id), "rectification", str(scan))
    ent.clock.set("2026-04-29T09:00:00+08:00")
    ent.store.file_assessment(iid, f.id, [report.sha256])
    ent.store.request_resumption(iid, f.id)
    ent.sync()
    assert ent.upload().failed == []

    # The 现场审查 is due within 10 working days of the application; it passes: 核销, 摘牌.
    lead.clock.set("2026-05-08T09:00:00+08:00")
    lead.sync()
    due = [x for x in lead.store.reinspections_due_by("2026-05-31") if x.id == f.id]
    assert [x.reinspection_due for x in due] == ["2026-05-15"]
    lead.store.record_reinspection(iid, f.id, True, "on_site", None, None)
    # The enterprise refuses to sign the opinion: recorded, and two officers sign.
    record = "reinspection:2026-05-08"
    lead.store.refuse_to_sign(iid, record, "企业对复查结论有异议，拒绝签字")
    for pid, name in [(lead.id, lead.name), (member.id, member.name)]:
        lead.store.sign_record(iid, record, SignerInput(name=name, role="inspector", person_id=pid),
                               handwriting(7), 400, 160)
    lead.sync()
    signed = [c for c in lead.store.verify_signatures(iid) if c.signature.record == record]
    assert len(signed) == 2 and all(isinstance(c.status, SignatureStatusInfo.VALID) for c in signed), signed
    ent.sync()
    done = ent.store.life_cycles(iid)[0]
    assert done.state == "closed" and done.listing_level is None
    office.sync()
    assert office.store.listed_hazards() == []
    assert [e.kind for e in done.events] == ["ordered", "plan_filed", "listed", "milestone", "assessed",
                                             "resumption_requested", "passed"]


def test_a_hazard_referred_to_another_department_is_taken_on_and_closed_there(people, tmp_path):
    lead, zhao, liu, ent = people["lead"], people["zhao"], people["member"], people["ent"]
    # The team: the lead and 赵德胜 (市场监管); 刘海燕 (住建) is not on it.
    company, iid = visit(lead, zhao, [ent, liu])
    processor = PhotoProcessor(FONT, 2)
    found = [lead.store.add_finding(iid, hazard(d, "二级")) for d in ["违规搭建临时彩钢板房", "配电箱未接地"]]
    before = lead.store.ingest_photo(iid, EvidenceTargetInput.FINDING(finding_id=found[0].id), "hazard",
                                     str(PHOTOS / "site-12mp.jpg"), processor).sha256
    lead.store.refer_finding(iid, found[0].id, "housing_construction")
    lead.store.refer_finding(iid, found[1].id, "fire_rescue")
    sign_and_order(lead, zhao, iid, found)

    # The 住建 officer receives it, with the hazard on her task list, and takes it on.
    liu.clock.set("2026-03-19T09:00:00+08:00")
    liu.sync()
    cycles = {c.finding_id: c for c in liu.store.life_cycles(iid)}
    assert cycles[found[0].id].referred and cycles[found[0].id].referral_accepted_by is None
    assert found[0].id in {f.id for f in liu.store.rectifications_due()}
    liu.store.accept_referral(iid, found[0].id)
    liu.sync()
    # A hazard referred to another department is not hers: the server refuses it.
    liu.store.accept_referral(iid, found[1].id)
    refused = asyncio.run(liu.engine.sync(liu.store, liu.token, None)).rejected
    assert [r.code for r in refused] == ["not_on_team"], refused
    assert "未移交本部门" in refused[0].reason

    # The enterprise reports; 住建 reviews and re-inspects; closed there.
    ent.clock.set("2026-03-25T09:00:00+08:00")
    ent.sync()
    after = ent.store.ingest_photo(iid, EvidenceTargetInput.FINDING(finding_id=found[0].id), "rectification",
                                   str(PHOTOS / "other-scene.jpg"), processor)
    ent.store.submit_rectification(iid, RectificationInput(
        finding_id=found[0].id, measures="已拆除彩钢板房", responsible="行政部 李军", completed_on="2026-03-24",
        cost_fen=None, photos=[PhotoPairInput(before=before, after=after.sha256)], files=[],
        requests_reinspection=True))
    ent.sync()
    liu.clock.set("2026-03-27T09:00:00+08:00")
    liu.sync()
    assert found[0].id in {f.id for f in liu.store.reviews_due()}
    liu.store.accept_rectification(iid, found[0].id)
    liu.store.record_reinspection(iid, found[0].id, True, "on_site", None, None)
    liu.sync()
    # The referring team sees the outcome.
    lead.sync()
    done = {c.finding_id: c for c in lead.store.life_cycles(iid)}[found[0].id]
    assert (done.state, done.referral_accepted_by) == ("closed", liu.id)


def test_the_enterprise_reports_a_hazard_it_found_itself_and_the_office_closes_it(server, people, tmp_path):
    ent, office = people["ent"], people["office"]
    for d in (ent, office):
        d.clock.set("2026-06-01T09:00:00+08:00")
        d.sync()
    mine = ent.store.search_enterprises("", 5)[0]
    # 自查自报: the enterprise's own record, made offline on its device.
    iid = ent.store.start_self_inspection(mine.id)
    f = ent.store.add_finding(iid, hazard("灭火器压力不足未及时更换", "三级"))
    processor = PhotoProcessor(FONT, 2)
    before = ent.store.ingest_photo(iid, EvidenceTargetInput.FINDING(finding_id=f.id), "hazard",
                                    str(PHOTOS / "plain.png"), processor).sha256
    assert [x.self_reported for x in ent.store.rectifications_due() if x.id == f.id] == [True]
    after = ent.store.ingest_photo(iid, EvidenceTargetInput.FINDING(finding_id=f.id), "rectification",
                                   str(PHOTOS / "other-scene.jpg"), processor).sha256
    ent.store.submit_rectification(iid, RectificationInput(
        finding_id=f.id, measures="更换全部过期灭火器", responsible="安全科 王敏", completed_on="2026-06-01",
        cost_fen=36000, photos=[PhotoPairInput(before=before, after=after)], files=[], requests_reinspection=True))
    ent.sync()
    assert ent.upload().failed == []

    # The office reviews it in writing and closes it; the enterprise sees that.
    office.sync()
    assert f.id in {x.id for x in office.store.reviews_due()}
    office.store.accept_rectification(iid, f.id)
    office.store.record_reinspection(iid, f.id, True, "written", None, None)
    office.sync()
    ent.sync()
    assert [c.state for c in ent.store.life_cycles(iid)] == ["closed"]

    # The office's ledger holds it, marked as reported by the enterprise.
    import subprocess
    import zipfile
    from conftest import SERVER
    xlsx = tmp_path / "ledger.xlsx"
    subprocess.run([str(SERVER), "--data", str(server.data), "export", "ledger", "--out", str(xlsx)], check=True,
                   capture_output=True)
    with zipfile.ZipFile(xlsx) as z:
        strings = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "灭火器压力不足未及时更换" in strings and "企业自查自报" in strings
