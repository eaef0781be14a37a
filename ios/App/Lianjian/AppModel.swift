import Foundation
import LianjianCore

/// The app's single door to the core (the Swift twin of the Android
/// InspectionRepository): store calls run off the main actor, sync is
/// async, and views observe published state.
@MainActor
final class AppModel: ObservableObject {
    let store: LianjianStore
    let engine: SyncEngine
    @Published var syncState: SyncState = .idle
    @Published var tasks: [TaskSummary] = []
    @Published var token: String? = Keychain.read("token")

    init(serverURL: String) throws {
        let dir = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try LianjianStore.open(path: dir.appendingPathComponent("lianjian.db").path)
        engine = try SyncEngine(serverUrl: serverURL)
        store.addChangeListener(listener: ChangeRelay { [weak self] _ in
            Task { @MainActor in self?.reloadTasks() }
        })
    }

    func enroll(code: String, name: String) async throws {
        let e = try await engine.enroll(store: store, code: code, deviceName: UIDeviceName.current)
        try store.signIn(user: UserInfo(personId: e.userId, name: name, role: e.role))
        Keychain.write("token", e.token)
        token = e.token
    }

    func sync() async {
        guard let token else { return }
        syncState = .running(documentsDone: 0, documentsTotal: 0)
        do {
            let report = try await engine.sync(store: store, token: token, listener: ProgressRelay { [weak self] p in
                Task { @MainActor in self?.syncState = .running(documentsDone: p.documentsDone, documentsTotal: p.documentsTotal) }
            })
            // The office's own fonts, once; a failure is retried on the next sync.
            _ = try? await engine.fetchOfficeFonts(store: store, token: token)
            syncState = .done(changed: report.changed.count, rejected: report.rejected.count)
        } catch {
            syncState = SyncState.from(error)
        }
    }

    func reloadTasks() {
        tasks = (try? store.myTasks()) ?? []
    }
}

final class ChangeRelay: ChangeListener {
    let f: ([String]) -> Void
    init(_ f: @escaping ([String]) -> Void) { self.f = f }
    func onChange(documentIds: [String]) { f(documentIds) }
    func onTasksChanged() { f([]) }
}

final class ProgressRelay: SyncListener {
    let f: (SyncProgress) -> Void
    init(_ f: @escaping (SyncProgress) -> Void) { self.f = f }
    func onProgress(progress: SyncProgress) { f(progress) }
}
