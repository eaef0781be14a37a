package cn.lianjian.app

import cn.lianjian.core.ConflictInfo
import cn.lianjian.core.EnterpriseInfo
import cn.lianjian.core.FindingInfo
import cn.lianjian.core.LifeCycleInfo
import cn.lianjian.core.RecordSigningInfo
import cn.lianjian.core.RefusalInfo
import cn.lianjian.core.TaskSummary
import cn.lianjian.screens.model.ConflictChoice
import cn.lianjian.screens.model.ConflictRow
import cn.lianjian.screens.model.EnterpriseCard
import cn.lianjian.screens.model.FindingRow
import cn.lianjian.screens.model.HazardLine
import cn.lianjian.screens.model.PadPoint
import cn.lianjian.screens.model.RefusedRow
import cn.lianjian.screens.model.SigningStep
import cn.lianjian.screens.model.Strings
import cn.lianjian.screens.model.SyncStatusState
import cn.lianjian.screens.model.TaskRow

/**
 * The core's records as the shared screens' states (android/screens/…/model):
 * the Android routes and the desktop window both show what these return,
 * so a label or a flag is decided once. Every word comes from the core or
 * from [Strings].
 */
object ScreenStates {
    /** A task of the task list. */
    fun task(t: TaskSummary) = TaskRow(
        id = t.inspectionId,
        title = Strings.inspectionTitle,
        enterprise = t.enterpriseName,
        conflicts = t.conflicts.toInt(),
    )

    /** A closed-loop task of the task list: what to do (the core's label) and the hazard. */
    fun hazardTask(t: cn.lianjian.core.HazardTaskInfo) = TaskRow(
        id = "hazard:${t.kind}:${t.finding.id}",
        title = "${t.label}：${t.finding.description}",
        enterprise = t.finding.enterpriseName,
        due = if (t.kind == "reinspect") t.finding.reinspectionDue ?: t.finding.dueDate else t.finding.dueDate,
    )

    /** An open hazard as the dossier lists it, from its life cycle. */
    fun hazard(f: FindingInfo, life: LifeCycleInfo?) = HazardLine(
        description = f.description,
        grade = f.grade,
        due = life?.deadline ?: f.deadline,
        overdue = life?.overdue ?: false,
    )

    /** The offline dossier of an enterprise, with its open hazards. */
    fun enterprise(e: EnterpriseInfo, open: List<HazardLine> = emptyList()) = EnterpriseCard(
        name = e.name,
        creditCode = e.creditCode,
        address = e.address,
        grid = e.grid,
        risk = e.riskLabel,
        responsible = "",
        openHazards = open,
    )

    /** A hazard of the inspection screen: 待确认 while its deadline is provisional. */
    fun finding(f: FindingInfo, major: Boolean = false) = FindingRow(
        id = f.id,
        description = f.description,
        grade = f.grade,
        due = f.deadline,
        provisional = f.deadlineProvisional != null,
        major = major,
    )

    /** A change the server refused, with what to do: it is kept aside on this device, never sent again. */
    fun refused(r: RefusalInfo) = RefusedRow(
        id = r.id.toString(),
        what = r.record,
        why = r.reason,
        todo = Strings.refusedTodo(r.setAside.toInt()),
    )

    /** The sync screen from the repository's state and the refusals the store keeps. */
    fun sync(state: SyncState, refusals: List<RefusalInfo>, lastSync: String?) = when (state) {
        SyncState.Idle -> SyncStatusState(lastSync = lastSync, refused = refusals.map(::refused))
        is SyncState.Running -> SyncStatusState(
            running = true,
            progress = state.progress?.takeIf { it.documentsTotal > 0u }?.let { it.documentsDone.toFloat() / it.documentsTotal.toFloat() },
            lastSync = lastSync,
            refused = refusals.map(::refused),
        )
        is SyncState.Done -> SyncStatusState(
            lastSync = lastSync,
            summary = Strings.syncSummary(state.report.changed.size, state.report.rejected.size),
            refused = refusals.map(::refused),
        )
        is SyncState.Failed -> SyncStatusState(
            lastSync = lastSync,
            error = if (state.reenroll) Strings.syncReenroll else Strings.syncOffline,
            refused = refusals.map(::refused),
        )
    }

    /** A conflict with both values, who wrote each and when; [what] names the field and its record. */
    fun conflict(c: ConflictInfo, what: String) = ConflictRow(
        id = "${c.targetKind}:${c.targetId}:${c.field}",
        what = what,
        choices = c.candidates.map { ConflictChoice(it.value, it.author ?: "—", it.at ?: "—") },
    )

    /** What a record still needs before it is complete. */
    fun signingStep(s: RecordSigningInfo) = SigningStep(s.label, s.complete, s.missing.joinToString("；"))

    /** The pad's strokes, to draw. */
    fun strokes(pad: SignaturePadModel): List<List<PadPoint>> =
        pad.strokes().map { stroke -> stroke.points.map { PadPoint(it.x, it.y, it.pressure) } }
}
