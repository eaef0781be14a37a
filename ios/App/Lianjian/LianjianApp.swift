import BackgroundTasks
import Network
import SwiftUI
import LianjianCore

/// The iOS shell: screens, and syncing when connectivity returns
/// (NWPathMonitor while running, BGTaskScheduler in the background).
@main
struct LianjianApp: App {
    @StateObject private var model = try! AppModel(serverURL: "https://sync.lianjian.example.cn")
    private let monitor = NWPathMonitor()

    init() {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: "cn.lianjian.sync", using: nil) { task in
            Self.handleBackgroundSync(task as! BGAppRefreshTask)
        }
    }

    var body: some Scene {
        WindowGroup {
            RootView().environmentObject(model).task {
                monitor.pathUpdateHandler = { path in
                    if path.status == .satisfied { Task { @MainActor in await model.sync() } }
                }
                monitor.start(queue: DispatchQueue(label: "cn.lianjian.network"))
                Self.scheduleBackgroundSync()
            }
        }
    }

    static func scheduleBackgroundSync() {
        let request = BGAppRefreshTaskRequest(identifier: "cn.lianjian.sync")
        request.earliestBeginDate = Date(timeIntervalSinceNow: 15 * 60)
        try? BGTaskScheduler.shared.submit(request)
    }

    static func handleBackgroundSync(_ task: BGAppRefreshTask) {
        scheduleBackgroundSync()
        let work = Task { @MainActor in
            let model = try AppModel(serverURL: "https://sync.lianjian.example.cn")
            await model.sync()
            task.setTaskCompleted(success: true)
        }
        task.expirationHandler = { work.cancel() }
    }
}

struct RootView: View {
    @EnvironmentObject var model: AppModel
    var body: some View {
        NavigationStack {
            if model.token == nil { EnrollView() } else { TasksView() }
        }
    }
}
