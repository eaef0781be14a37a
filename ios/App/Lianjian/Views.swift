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
            TextField("登记码", text: $code)
            TextField("姓名", text: $name)
            if let error { Text(error).foregroundStyle(.red) }
            Button("登记") {
                Task {
                    do { try await model.enroll(code: code, name: name) } catch ApiError.Unauthorized {
                        error = "登记码无效或已使用"
                    } catch { self.error = "网络不可用，请稍后重试" }
                }
            }
        }.navigationTitle("设备登记")
    }
}

/// 我的任务.
struct TasksView: View {
    @EnvironmentObject var model: AppModel
    var body: some View {
        List(model.tasks, id: \.inspectionId) { t in
            NavigationLink(t.enterpriseName + (t.conflicts > 0 ? " · \(t.conflicts)处冲突" : "")) {
                InspectionView(id: t.inspectionId)
            }
        }
        .toolbar {
            NavigationLink("查企业") { EnterpriseView() }
            NavigationLink("同步") { SyncView() }
        }
        .onAppear { model.reloadTasks() }
        .navigationTitle("我的任务")
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
            TextField("统一社会信用代码或扫码内容", text: $query)
            Button("查询") {
                do {
                    let e = query.count == 18 ? try model.store.enterpriseByCreditCode(code: query) : try model.store.enterpriseByQr(payload: query)
                    enterprise = e
                    findings = try model.store.enterpriseFindings(enterpriseId: e.id)
                    error = nil
                } catch ApiError.Validation { error = "统一社会信用代码无效" } catch { self.error = "本机无此企业档案，请同步后再试" }
            }
            if let error { Text(error) }
            if let e = enterprise {
                Text(e.name).font(.headline)
                Text("\(e.creditCode) · \(e.grid) · 风险等级 \(e.riskLabel)")
                ForEach(findings, id: \.id) { f in Text("\(f.description) · \(f.grade) · \(f.dueDate)") }
            }
        }.navigationTitle("企业查询")
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
            if !conflicts.isEmpty { NavigationLink("\(conflicts.count)处冲突待处理") { ConflictsView(id: id) } }
            Section("隐患") {
                TextField("隐患描述", text: $description)
                TextField("隐患等级", text: $grade)
                if let gradeError { Text(gradeError).foregroundStyle(.red) }
                Button("记录隐患") {
                    do {
                        _ = try model.store.addFinding(id: id, finding: FindingInput(description: description, location: "", itemCode: nil, grade: grade, requirement: "限期整改"))
                        gradeError = nil
                        reload()
                    } catch ApiError.Validation(let field, let reason) where field == "grade" { gradeError = reason } catch {}
                }
                ForEach(findings, id: \.id) { f in Text("\(f.description) · \(f.grade) · 整改期限 \(f.deadline)\(f.deadlineProvisional != nil ? "（暂定）" : "")") }
            }
        }
        .onAppear(perform: reload)
        .navigationTitle("现场检查")
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
        .navigationTitle("冲突处理")
    }
}

/// 同步状态.
struct SyncView: View {
    @EnvironmentObject var model: AppModel
    var body: some View {
        VStack(spacing: 16) {
            switch model.syncState {
            case .idle: Text("未同步")
            case let .running(done, total): ProgressView("文档 \(done)/\(total)")
            case let .done(changed, rejected): Text("同步完成：\(changed) 份文档有更新" + (rejected > 0 ? "，\(rejected) 份被拒绝" : ""))
            case let .failed(message, _, _): Text(message)
            }
            Button("立即同步") { Task { await model.sync() } }
            Button("停止") { model.engine.interrupt() }
            let refusals = (try? model.store.refusals()) ?? []
            if !refusals.isEmpty { Text("被服务器拒绝的修改（已另存，不会重复发送）：") }
            List(refusals, id: \.id) { r in
                VStack(alignment: .leading) {
                    Text("\(r.record)：\(r.reason)")
                    Text("\(r.at)，另存 \(r.setAside) 项修改").font(.caption)
                }
            }
        }.navigationTitle("同步")
    }
}
