import SwiftUI
import LianjianCore

/// 设备登记.
struct EnrollView: View {
    @EnvironmentObject var model: AppModel
    @State private var code = ""
    @State private var name = ""
    @State private var error: String?
    var body: some View {
        Form {
            TextField(Strings.enrollCode, text: $code)
            TextField(Strings.enrollDevice, text: $name)
            if let error { Text(error).foregroundStyle(.red) }
            Button(Strings.enrollSubmit) {
                Task {
                    do { try await model.enroll(code: code, name: name) } catch ApiError.Unauthorized {
                        error = Strings.enrollRefused
                    } catch { self.error = Strings.syncOffline }
                }
            }
        }.navigationTitle(Strings.enrollTitle)
    }
}

/// 我的任务.
struct TasksView: View {
    @EnvironmentObject var model: AppModel
    var body: some View {
        List(model.tasks, id: \.inspectionId) { t in
            NavigationLink(t.enterpriseName + (t.conflicts > 0 ? " · " + Strings.conflicts(Int(t.conflicts)) : "")) {
                InspectionView(id: t.inspectionId)
            }
        }
        .toolbar {
            NavigationLink(Strings.tasksLookup) { EnterpriseView() }
            NavigationLink(Strings.tasksSync) { SyncView() }
        }
        .onAppear { model.reloadTasks() }
        .navigationTitle(Strings.tasksTitle)
    }
}

/// 企业查询 (the QR payload arrives from the camera scanner or is typed).
struct EnterpriseView: View {
    @EnvironmentObject var model: AppModel
    @State private var query = ""
    @State private var enterprise: EnterpriseInfo?
    @State private var findings: [FindingSummary] = []
    @State private var error: String?
    var body: some View {
        Form {
            TextField(Strings.lookupCode, text: $query)
            Button(Strings.lookupSubmit) {
                do {
                    let e = query.count == 18 ? try model.store.enterpriseByCreditCode(code: query) : try model.store.enterpriseByQr(payload: query)
                    enterprise = e
                    findings = try model.store.enterpriseFindings(enterpriseId: e.id)
                    error = nil
                } catch ApiError.Validation { error = Strings.lookupInvalid } catch { self.error = Strings.lookupNone }
            }
            if let error { Text(error) }
            if let e = enterprise {
                Text(e.name).font(.headline)
                Text("\(e.creditCode) · \(e.grid) · \(Strings.risk) \(e.riskLabel)")
                ForEach(findings, id: \.id) { f in Text("\(f.description) · \(f.grade) · \(f.dueDate)") }
            }
        }.navigationTitle(Strings.lookupTitle)
    }
}

/// 检查: findings with grade and the deadline the core computed.
struct InspectionView: View {
    @EnvironmentObject var model: AppModel
    let id: String
    @State private var header: InspectionInfo?
    @State private var findings: [FindingInfo] = []
    @State private var conflicts: [ConflictInfo] = []
    @State private var description = ""
    @State private var grade = "三级"
    @State private var gradeError: String?
    var body: some View {
        Form {
            if let h = header { Text("\(h.enterpriseName) · \(h.statusLabel)") }
            if !conflicts.isEmpty { NavigationLink(Strings.conflicts(conflicts.count)) { ConflictsView(id: id) } }
            Section(Strings.findings) {
                TextField(Strings.findingDescription, text: $description)
                TextField(Strings.findingGrade, text: $grade)
                if let gradeError { Text(gradeError).foregroundStyle(.red) }
                Button(Strings.addFinding) {
                    do {
                        _ = try model.store.addFinding(id: id, finding: FindingInput(description: description, location: "", itemCode: nil, grade: grade, requirement: "限期整改"))
                        gradeError = nil
                        reload()
                    } catch ApiError.Validation(let field, let reason) where field == "grade" { gradeError = reason } catch {}
                }
                ForEach(findings, id: \.id) { f in Text("\(f.description) · \(f.grade) · \(Strings.dueOn(f.deadline))\(f.deadlineProvisional != nil ? " · " + Strings.provisional : "")") }
            }
        }
        .onAppear(perform: reload)
        .navigationTitle(Strings.inspectionTitle)
    }
    func reload() {
        header = try? model.store.openInspection(id: id)
        findings = (try? model.store.findings(id: id)) ?? []
        conflicts = (try? model.store.conflicts(id: id)) ?? []
    }
}

/// 冲突处理.
struct ConflictsView: View {
    @EnvironmentObject var model: AppModel
    let id: String
    @State private var conflicts: [ConflictInfo] = []
    var body: some View {
        List(conflicts, id: \.field) { c in
            Section(c.field) {
                ForEach(c.candidates, id: \.value) { cand in
                    Button("\(cand.value)（\(cand.author ?? "未知") \(cand.at ?? "")）") {
                        try? model.store.resolveConflict(id: id, conflict: c, chosen: cand.value)
                        conflicts = (try? model.store.conflicts(id: id)) ?? []
                    }
                }
            }
        }
        .onAppear { conflicts = (try? model.store.conflicts(id: id)) ?? [] }
        .navigationTitle(Strings.conflictsTitle)
    }
}

/// 同步状态.
struct SyncView: View {
    @EnvironmentObject var model: AppModel
    var body: some View {
        VStack(spacing: 16) {
            switch model.syncState {
            case .idle: Text(Strings.syncNever)
            case let .running(done, total): ProgressView("文档 \(done)/\(total)")
            case let .done(changed, rejected): Text(Strings.syncSummary(changed, rejected))
            case let .failed(message, _, _): Text(message)
            }
            Button(Strings.syncNow) { Task { await model.sync() } }
            Button("停止") { model.engine.interrupt() }
            let refusals = (try? model.store.refusals()) ?? []
            if !refusals.isEmpty { Text(Strings.refusedTitle) }
            List(refusals, id: \.id) { r in
                VStack(alignment: .leading) {
                    Text("\(r.record)：\(r.reason)")
                    Text("\(r.at) · " + Strings.refusedTodo(Int(r.setAside))).font(.caption)
                }
            }
        }.navigationTitle(Strings.tasksSync)
    }
}
