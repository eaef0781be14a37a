"""A complete inspection through the Python bindings: two inspectors enroll
against a real sync server, work offline on their own stores, sync, see the
merged result, surface a conflict and resolve it; errors arrive as the
right exception classes."""

import asyncio

import pytest
from conftest import FixedClock

from lianjian_ffi import (AnswerInput, ApiError, ChangeListener, ChecklistKey, FindingInput, InspectionDraft,
                          InterviewInput, LianjianStore, SubGroupInput, SyncEngine, SyncListener, TeamMemberInfo,
                          UserInfo)


class Changes(ChangeListener):
    def __init__(self):
        self.seen = []

    def on_change(self, document_ids):
        self.seen.extend(document_ids)

    def on_tasks_changed(self):
        self.seen.append("tasks")


class Progress(SyncListener):
    def __init__(self):
        self.events = []

    def on_progress(self, progress):
        self.events.append(progress)


def device(tmp_path, url, name, code, label, clock=None):
    store = LianjianStore.open_with_clock(str(tmp_path / f"{label}.db"),
                                          clock or FixedClock("2026-03-02T09:00:00+08:00"))
    engine = SyncEngine(url)
    enrollment = asyncio.run(engine.enroll(store, code, f"平板{label}"))
    store.sign_in(UserInfo(person_id=enrollment.user_id, name=name, role=enrollment.role))
    return store, engine, enrollment.token


def sync(engine, store, token, listener=None):
    report = asyncio.run(engine.sync(store, token, listener))
    assert report.rejected == [], report.rejected
    return report


def test_two_inspectors_merge_and_resolve_a_conflict(server, tmp_path):
    url, users = server
    lead_name, lead_code, lead_id = users["检查组组长"][0]
    insp_name, insp_code, insp_id = users["检查人员"][0]
    lead, lead_engine, lead_token = device(tmp_path, url, lead_name, lead_code, "A")
    member, member_engine, member_token = device(tmp_path, url, insp_name, insp_code, "B")

    # The catalogue reaches the tablet, with progress events.
    progress = Progress()
    sync(lead_engine, lead, lead_token, progress)
    assert progress.events and progress.events[-1].documents_done == progress.events[-1].documents_total > 60
    ent = lead.search_enterprises("化工", 1)[0]
    assert lead.enterprise_by_credit_code(ent.credit_code).name == ent.name
    assert lead.enterprise_by_qr(f"https://gsxt.gov.cn/q?uniscid={ent.credit_code}").id == ent.id
    checklist = lead.latest_checklists(ent.industry)[0]
    key = ChecklistKey(id=checklist.id, version=checklist.version)

    # The lead plans the inspection with the team and starts it.
    team = [
        TeamMemberInfo(person_id=lead_id, name=lead_name, department="emergency_management", role="lead",
                       certificate_no="42120001", qualifications=[ent.industry]),
        TeamMemberInfo(person_id=insp_id, name=insp_name, department="emergency_management", role="inspector",
                       certificate_no="42120002", qualifications=[ent.industry]),
    ]
    iid = lead.create_inspection(InspectionDraft(enterprise_id=ent.id, checklists=[key], team=team,
                                                 scheduled_at="2026-03-02T08:30:00+08:00"))
    lead.set_inspection_status(iid, "in_progress")
    lead.add_sub_group(iid, SubGroupInput(name="现场检查一组", kind="site", members=[lead_id, insp_id]))
    interview = lead.add_interview(iid, InterviewInput(name="王建华", id_number="420102197001011234",
                                                       position="安全主管", phone="13800000000",
                                                       interviewers=[lead_id, insp_id], place="企业会议室"))
    lead.append_qa(iid, interview, "储罐区防火堤何时破损？", "上月暴雨后。")
    assert lead.open_inspection(iid).interviews == 1
    finding = lead.add_finding(iid, FindingInput(description="储罐区防火堤破损", location="罐区",
                                                 item_code=None, grade="三级", requirement="修复防火堤"))
    # Found 2026-03-02 (the device clock): 三级 gives 7 days.
    assert (finding.deadline, finding.deadline_basis, finding.deadline_provisional) == ("2026-03-09", "computed", None)
    sync(lead_engine, lead, lead_token)

    # The teammate's tablet gets it, and its listener hears about it.
    changes = Changes()
    member.add_change_listener(changes)
    sync(member_engine, member, member_token)
    assert iid in changes.seen
    assert member.open_inspection(iid).team == lead.open_inspection(iid).team
    assert member.my_tasks()[0].inspection_id == iid

    # Offline on both tablets: responses, and two grades for one hazard.
    measured = next(i for s in checklist.sections for i in s.items if i.kind == "measurement")
    bad = (measured.max + 1) if measured.max is not None else (measured.min - 1)
    assert lead.record_response(iid, key, measured.code, AnswerInput.MEASURED(value=bad), "仪器读数").verdict == "fail"
    # The outcome follows from the hazard and the failed reading; the lead may not choose less.
    assert lead.inspection_outcome(iid).derived == "rectify"
    with pytest.raises(ApiError.Validation) as e:
        lead.choose_outcome(iid, "no_hazard", "已当场整改")
    assert e.value.field == "outcome"
    assert lead.choose_outcome(iid, "immediate_measures", "罐区存在泄漏风险").in_force == "immediate_measures"
    yes_no = next(i for s in checklist.sections for i in s.items if i.kind == "yes_no")
    assert member.record_response(iid, key, yes_no.code, AnswerInput.PASS(), "现场核查").verdict == "pass"
    with pytest.raises(ApiError.InvalidDeadline):
        lead.set_finding_grade(iid, finding.id, "一级")  # a hazard that stops work needs its measure
    lead.set_finding_grade(iid, finding.id, "一级", "stop_work")
    member.set_finding_grade(iid, finding.id, "二级")
    member.add_finding(iid, FindingInput(description="安全出口堵塞", location="二号车间", item_code=None,
                                         grade="三级", requirement="立即清理"))
    for engine, store, token in [(lead_engine, lead, lead_token), (member_engine, member, member_token),
                                 (lead_engine, lead, lead_token)]:
        sync(engine, store, token)

    # Merged: both findings and both responses on both tablets.
    assert len(lead.findings(iid)) == len(member.findings(iid)) == 2
    assert lead.open_inspection(iid).responses == member.open_inspection(iid).responses == 2

    # The grade conflict is shown with both values and their authors; the lead resolves it.
    grade_conflict = next(c for c in lead.conflicts(iid) if c.field == "grade")
    assert sorted(c.value for c in grade_conflict.candidates) == ["一级", "二级"]
    assert {c.author for c in grade_conflict.candidates} == {lead_name, insp_name}
    lead.resolve_conflict(iid, grade_conflict, "一级")
    assert all(c.field != "grade" for c in lead.conflicts(iid))
    sync(lead_engine, lead, lead_token)
    sync(member_engine, member, member_token)
    merged = {f.id: f for f in member.findings(iid)}
    assert merged[finding.id].grade == "一级"


def test_errors_arrive_as_their_classes(server, tmp_path):
    url, users = server
    name, code, _ = users["检查人员"][1]
    store, engine, token = device(tmp_path, url, name, code, "C")
    with pytest.raises(ApiError.Validation) as e:
        store.enterprise_by_credit_code("123")
    assert e.value.field == "credit_code"
    with pytest.raises(ApiError.Validation):
        store.open_inspection("not-an-id")
    with pytest.raises(ApiError.Validation):
        store.findings_due("2026-13-01", "2026-12-31")
    with pytest.raises(ApiError.NotFound):
        store.enterprise("01890a5d-ac96-774b-bcce-b302099a8057")
    with pytest.raises(ApiError.Unauthorized):
        asyncio.run(engine.sync(store, "not-a-token", None))
    with pytest.raises(ApiError.Network):
        asyncio.run(SyncEngine("http://127.0.0.1:9").sync(store, token, None))
    # A used enrollment code is refused; nothing on the device is lost.
    with pytest.raises(ApiError.Unauthorized):
        asyncio.run(engine.enroll(store, code, "再次"))
    assert store.current_user().name == name


class Interrupter(SyncListener):
    def __init__(self, engine):
        self.engine = engine
        self.calls = 0

    def on_progress(self, progress):
        self.calls += 1
        self.engine.interrupt()


def test_interrupt_stops_a_sync_and_the_next_one_finishes(server, tmp_path):
    url, users = server
    name, code, _ = users["联检办"][0]
    store, engine, token = device(tmp_path, url, name, code, "O")
    with pytest.raises(ApiError.Interrupted):
        asyncio.run(engine.sync(store, token, Interrupter(engine)))
    report = sync(engine, store, token)
    assert report.progress.documents_done == report.progress.documents_total > 60
    assert len(store.search_enterprises("", 100)) == 55
