import XCTest
@testable import LianjianCore

/// Mirrors the Python and Kotlin flow: two inspectors enroll against a
/// running sync server, work offline, sync, see the merge, surface a
/// conflict and resolve it. The server URL and two enrollment codes come
/// from the environment (start `lianjian-sync-server serve` on the Mac):
/// LIANJIAN_TEST_SERVER, LIANJIAN_LEAD_CODE/NAME/ID, LIANJIAN_MEMBER_CODE/NAME/ID.
final class InspectionFlowTests: XCTestCase {
    func env(_ k: String) throws -> String {
        guard let v = ProcessInfo.processInfo.environment[k] else { throw XCTSkip("\(k) not set") }
        return v
    }

    func device(_ label: String, code: String, name: String, engine: SyncEngine) async throws -> (LianjianStore, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID()).db").path
        let store = try LianjianStore.open(path: path)
        let e = try await engine.enroll(store: store, code: code, deviceName: "平板\(label)")
        try store.signIn(user: UserInfo(personId: e.userId, name: name, role: e.role))
        return (store, e.token)
    }

    func testTwoInspectorsMergeAndResolveAConflict() async throws {
        let engine = try SyncEngine(serverUrl: try env("LIANJIAN_TEST_SERVER"))
        let (lead, leadToken) = try await device("A", code: try env("LIANJIAN_LEAD_CODE"), name: try env("LIANJIAN_LEAD_NAME"), engine: engine)
        let (member, memberToken) = try await device("B", code: try env("LIANJIAN_MEMBER_CODE"), name: try env("LIANJIAN_MEMBER_NAME"), engine: engine)
        _ = try await engine.sync(store: lead, token: leadToken, listener: nil)
        let ent = try lead.searchEnterprises(query: "化工", limit: 1)[0]
        let checklist = try lead.latestChecklists(industry: ent.industry)[0]
        let key = ChecklistKey(id: checklist.id, version: checklist.version)
        let team = [
            TeamMemberInfo(personId: try env("LIANJIAN_LEAD_ID"), name: try env("LIANJIAN_LEAD_NAME"), department: "emergency_management", role: "lead", certificateNo: "42120001", qualifications: [ent.industry]),
            TeamMemberInfo(personId: try env("LIANJIAN_MEMBER_ID"), name: try env("LIANJIAN_MEMBER_NAME"), department: "emergency_management", role: "inspector", certificateNo: "42120002", qualifications: [ent.industry]),
        ]
        let id = try lead.createInspection(draft: InspectionDraft(enterpriseId: ent.id, checklists: [key], team: team, scheduledAt: "2026-03-02T08:30:00+08:00"))
        try lead.setInspectionStatus(id: id, status: "in_progress")
        let finding = try lead.addFinding(id: id, finding: FindingInput(description: "储罐区防火堤破损", location: "罐区", itemCode: nil, grade: "三级", requirement: "修复防火堤"))
        _ = try await engine.sync(store: lead, token: leadToken, listener: nil)
        _ = try await engine.sync(store: member, token: memberToken, listener: nil)
        _ = try lead.setFindingGrade(id: id, findingId: finding.id, grade: "一级", immediateMeasure: "stop_work")
        _ = try member.setFindingGrade(id: id, findingId: finding.id, grade: "二级")
        for (s, t) in [(lead, leadToken), (member, memberToken), (lead, leadToken)] {
            _ = try await engine.sync(store: s, token: t, listener: nil)
        }
        let conflict = try XCTUnwrap(try lead.conflicts(id: id).first { $0.field == "grade" })
        XCTAssertEqual(Set(conflict.candidates.map(\.value)), ["一级", "二级"])
        try lead.resolveConflict(id: id, conflict: conflict, chosen: "一级")
        XCTAssertTrue(try lead.conflicts(id: id).allSatisfy { $0.field != "grade" })
    }

    func testErrorsArriveAsTheirCases() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("E-\(UUID()).db").path
        let store = try LianjianStore.open(path: path)
        XCTAssertThrowsError(try store.enterpriseByCreditCode(code: "123")) { e in
            guard case ApiError.Validation(let field, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(field, "credit_code")
        }
        XCTAssertThrowsError(try store.openInspection(id: "not-an-id"))
    }
}
