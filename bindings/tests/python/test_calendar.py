"""Deadlines on any date, through the bindings and a real server: a device
offline in late December records hazards whose deadlines fall in a year
without an official calendar (provisional, never an error); the office
imports that year's calendar; the device syncs and shows the recomputed
deadlines, and which of them moved."""

import asyncio
import subprocess

from conftest import ROOT, SERVER, FixedClock
from lianjian_ffi import (FindingInput, InspectionDraft, LianjianStore, SyncEngine, TeamMemberInfo, UserInfo)


def test_provisional_deadlines_become_final_when_the_office_imports_the_year(server, tmp_path):
    url, users = server
    lead_name, lead_code, lead_id = users["检查组组长"][0]
    _, _, insp_id = users["检查人员"][0]
    insp_name = users["检查人员"][0][0]
    clock = FixedClock("2026-12-20T09:00:00+08:00")
    lead = LianjianStore.open_with_clock(str(tmp_path / "lead.db"), clock)
    engine = SyncEngine(url)
    enrollment = asyncio.run(engine.enroll(lead, lead_code, "平板"))
    lead.sign_in(UserInfo(person_id=enrollment.user_id, name=lead_name, role=enrollment.role))
    assert asyncio.run(engine.sync(lead, enrollment.token, None)).rejected == []
    assert 2027 not in [c.year for c in lead.calendars()]

    ent = lead.search_enterprises("化工", 1)[0]
    team = [
        TeamMemberInfo(person_id=lead_id, name=lead_name, department="emergency_management", role="lead",
                       certificate_no="42120001", qualifications=[ent.industry]),
        TeamMemberInfo(person_id=insp_id, name=insp_name, department="emergency_management", role="inspector",
                       certificate_no="42120002", qualifications=[ent.industry]),
    ]
    iid = lead.create_inspection(InspectionDraft(enterprise_id=ent.id, checklists=[], team=team,
                                                 scheduled_at="2026-12-20T08:30:00+08:00"))
    lead.set_inspection_status(iid, "in_progress")

    # Offline on 2026-12-20: a 二级 hazard, 15 days into 2027.
    second = lead.add_finding(iid, FindingInput(description="安全出口堵塞", location="二号车间", item_code=None,
                                                grade="二级", requirement="清理安全出口"))
    assert second.deadline == "2027-01-04"
    assert second.deadline_provisional is not None and "2027年" in second.deadline_provisional
    # And on 2026-12-25 a 三级 one: 7 days = 2027-01-01, a Friday by the fallback rule.
    clock.set("2026-12-25T10:00:00+08:00")
    third = lead.add_finding(iid, FindingInput(description="灭火器压力不足", location="仓库", item_code=None,
                                               grade="三级", requirement="更换灭火器"))
    assert (third.deadline, third.deadline_provisional is not None) == ("2027-01-01", True)

    # The office imports the 2027 notice on the server.
    done = subprocess.run([str(SERVER), "--data", str(server.data), "import-calendar",
                           str(ROOT / "fixtures" / "calendars" / "test-2027.toml"), "--by", "联检办"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

    # The device syncs: the deadlines are recomputed on the official calendar.
    assert asyncio.run(engine.sync(lead, enrollment.token, None)).rejected == []
    assert any(c.year == 2027 and c.synced for c in lead.calendars())
    now = {f.id: f for f in lead.findings(iid)}
    assert (now[second.id].deadline, now[second.id].deadline_provisional, now[second.id].deadline_changed_from) \
        == ("2027-01-04", None, None)
    # 2027-01-01 is 元旦 in the imported calendar: the deadline moves to the next working day.
    assert (now[third.id].deadline, now[third.id].deadline_provisional, now[third.id].deadline_changed_from) \
        == ("2027-01-04", None, "2027-01-01")

    # Overdue is measured on the device clock, against the recomputed dates.
    clock.set("2027-01-04T18:00:00+08:00")
    assert lead.overdue_findings_now() == []
    clock.set("2027-01-05T09:00:00+08:00")
    assert {f.id for f in lead.overdue_findings_now()} == {second.id, third.id}
    assert all(not f.provisional for f in lead.overdue_findings_now())
