"""Enforcement documents through the Python bindings against a real sync
server: a device receives a number block, goes offline, prints a
责令限期整改指令书 signed by the responsible person and two officers (a
real PDF, checked with Poppler), the printed copy's hash is checked,
the ledger goes back to the server, and the office's ledger export holds
the number."""

import asyncio
import pathlib
import subprocess

import pytest
from conftest import SERVER
from test_signing import device, handwriting, plan, sync

from lianjian_ffi import ApiError, DocumentEngine, DocumentOptions, FindingInput, SignerInput

FONTS = "/usr/share/fonts/opentype/noto"


def options(**kw):
    base = dict(department="emergency_management", office="", interview_id=None, origin_number=None,
                origin_date=None, delivered=[])
    base.update(kw)
    return DocumentOptions(**base)


def test_a_numbered_order_printed_offline(server, tmp_path):
    url, users = server
    lead, engine, token, lead_id, lead_name = device(tmp_path, url, users["检查组组长"][0], "L")
    _, _, _, insp_id, insp_name = device(tmp_path, url, users["检查人员"][0], "M")
    sync(engine, lead, token)

    # Online: a block of numbers for this year's orders.
    block = asyncio.run(engine.request_number_block(lead, token, "rectification_order", 2026))
    assert (block.department, block.start) == ("emergency_management", 1) and block.end >= block.start

    # Offline from here: the visit, the signatures, the printed order.
    ent = lead.search_enterprises("鑫源化工", 1)[0]
    checklist = lead.latest_checklists(ent.industry)[0]
    iid = plan(lead, lead_id, lead_name, insp_id, insp_name, ent, checklist)
    lead.add_finding(iid, FindingInput(description="储罐区防静电接地线断开", location="储罐区", item_code=None,
                                       grade="二级", requirement="立即修复接地"))
    lead.set_inspection_status(iid, "awaiting_signature")
    lead.sign_record(iid, "findings", SignerInput(name="袁海燕", role="responsible_person", person_id=None),
                     handwriting(3), 400, 160)
    for pid, name in [(lead_id, lead_name), (insp_id, insp_name)]:
        lead.sign_record(iid, "findings", SignerInput(name=name, role="inspector", person_id=pid),
                         handwriting(4), 400, 160)

    docs = DocumentEngine(FONTS)
    out = tmp_path / "printed"
    printed = docs.render_document(lead, iid, "rectification_order", options(), str(out))
    assert printed.number == "（咸安）应急责改〔2026〕1号"
    assert printed.numbers_left == block.end - block.start
    pdf = pathlib.Path(printed.pdf_path).read_bytes()
    assert pdf[:5] == b"%PDF-"
    assert pathlib.Path(printed.preview_path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = subprocess.run(["pdftotext", printed.pdf_path, "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for expected in ["责令限期整改指令书", "（咸安）应急责改〔2026〕1号", "储罐区防静电接地线断开", "袁海燕", lead_name, insp_name]:
        assert expected in flat, (expected, text)

    # A reprint keeps its number; the printed copy checks out.
    again = docs.render_document(lead, iid, "rectification_order", options(), str(out))
    assert again.number == printed.number
    check = docs.verify_printed(lead, "lianjian:record:" + printed.record_hash)
    assert (check.status, check.inspection_id, check.record) == ("valid", iid, "findings")
    assert docs.verify_printed(lead, "0" * 64).status == "unknown"

    # A form the record cannot fill is a clear error, nothing printed.
    with pytest.raises(ApiError.Document):
        docs.render_document(lead, iid, "on_site_decision", options(), str(out))

    # Back online: the ledger goes to the server, then the record.
    report = asyncio.run(engine.report_numbers(lead, token))
    assert (report.accepted, report.refused) == (1, [])
    sync(engine, lead, token)
    assert asyncio.run(engine.report_numbers(lead, token)).accepted == 0

    # The office's ledger export holds the number.
    xlsx = tmp_path / "ledger.xlsx"
    subprocess.run([str(SERVER), "--data", str(server.data), "export", "ledger", "--out", str(xlsx)], check=True,
                   capture_output=True)
    import zipfile
    with zipfile.ZipFile(xlsx) as z:
        strings = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "（咸安）应急责改〔2026〕1号" in strings
    assert "储罐区防静电接地线断开" in strings
    for header in ["隐患编号", "被检查单位", "隐患描述", "整改期限", "文书编号", "销号情况", "作废原因"]:
        assert header in strings, header
    with zipfile.ZipFile(xlsx) as z:
        book = z.read("xl/workbook.xml").decode()
        first = z.read("xl/worksheets/sheet1.xml").decode()
    assert "隐患台账" in book and "文书登记" in book
    assert "<pane " in first and "frozen" in first and "autoFilter" in first

    # Filters: another department's ledger is empty of this hazard.
    other = tmp_path / "other.xlsx"
    subprocess.run([str(SERVER), "--data", str(server.data), "export", "ledger", "--out", str(other),
                    "--department", "housing_construction"], check=True, capture_output=True)
    with zipfile.ZipFile(other) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "储罐区防静电接地线断开" not in sheet
