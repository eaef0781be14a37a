import Foundation

/// What the sync screen shows (mirrors the Android shared layer's SyncState).
public enum SyncState: Equatable {
    case idle
    case running(documentsDone: UInt32, documentsTotal: UInt32)
    case done(changed: Int, rejected: Int)
    /// `reenroll`: the server no longer accepts this device.
    case failed(message: String, retryable: Bool, reenroll: Bool)

    /// The state after `error` ended a sync.
    public static func from(_ error: Error) -> SyncState {
        switch error {
        case ApiError.Unauthorized: return .failed(message: "设备已停用，请重新登记", retryable: false, reenroll: true)
        case ApiError.Network, ApiError.Interrupted: return .failed(message: "\(error)", retryable: true, reenroll: false)
        default: return .failed(message: "\(error)", retryable: false, reenroll: false)
        }
    }
}
