package cn.lianjian.app

import cn.lianjian.core.FindingSummary
import cn.lianjian.core.LianjianStore
import cn.lianjian.core.LifeCycleInfo
import cn.lianjian.core.RectificationInput
import cn.lianjian.core.RectificationReportInfo
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * The closed loop for the app's screens (发现—整改—复查—销号): each role's
 * task list and the steps it may take. Every rule is the core's: a step the
 * user may not take comes back as an [cn.lianjian.core.ApiException].
 */
class ClosedLoopRepository(
    private val store: LianjianStore,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    /** The enterprise's tasks: hazards to rectify, earliest deadline first (a returned one with the reason). */
    suspend fun rectificationsDue(): List<FindingSummary> = withContext(io) { store.rectificationsDue() }

    /** The officers' tasks: reports waiting for review. */
    suspend fun reviewsDue(): List<FindingSummary> = withContext(io) { store.reviewsDue() }

    /** The officers' tasks: 复查 due by [date] (YYYY-MM-DD), late ones included. */
    suspend fun reinspectionsDueBy(date: String): List<FindingSummary> = withContext(io) { store.reinspectionsDueBy(date) }

    /** Each hazard of an inspection with its life cycle. */
    suspend fun lifeCycles(inspectionId: String): List<LifeCycleInfo> = withContext(io) { store.lifeCycles(inspectionId) }

    /** The enterprise's own record of hazards it found itself (自查自报); returns its id. */
    suspend fun startSelfInspection(enterpriseId: String): String = withContext(io) { store.startSelfInspection(enterpriseId) }

    /** The enterprise's rectification report; returns its id. */
    suspend fun submit(inspectionId: String, report: RectificationInput): String =
        withContext(io) { store.submitRectification(inspectionId, report) }

    /** The reports submitted for an inspection's hazards, oldest first. */
    suspend fun reports(inspectionId: String): List<RectificationReportInfo> =
        withContext(io) { store.rectificationReports(inspectionId) }

    /** The officers accept a report: the 复查 comes next. */
    suspend fun accept(inspectionId: String, findingId: String) =
        withContext(io) { store.acceptRectification(inspectionId, findingId) }

    /** 退回补正, with the reason and a new deadline (YYYY-MM-DD). */
    suspend fun sendBack(inspectionId: String, findingId: String, reason: String, newDeadline: String) =
        withContext(io) { store.returnRectification(inspectionId, findingId, reason, newDeadline) }

    /** The 复查 (`on_site` or `written`): passed closes the hazard (销号). */
    suspend fun reinspect(inspectionId: String, findingId: String, passed: Boolean, mode: String, reason: String? = null, newDeadline: String? = null) =
        withContext(io) { store.recordReinspection(inspectionId, findingId, passed, mode, reason, newDeadline) }
}
