package cn.lianjian.app

import cn.lianjian.core.SyncProgress
import cn.lianjian.core.SyncReport

/** What the sync screen shows. */
sealed interface SyncState {
    /** Nothing running. */
    data object Idle : SyncState

    /** A sync is under way. */
    data class Running(val progress: SyncProgress?) : SyncState

    /** The last sync finished. */
    data class Done(val report: SyncReport) : SyncState

    /**
     * The last sync failed. [retryable]: try again when the network returns;
     * [reenroll]: the server no longer accepts this device.
     */
    data class Failed(val message: String, val retryable: Boolean, val reenroll: Boolean) : SyncState
}
