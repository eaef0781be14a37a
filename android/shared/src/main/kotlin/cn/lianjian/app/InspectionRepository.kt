package cn.lianjian.app

import cn.lianjian.core.AnswerInput
import cn.lianjian.core.ApiException
import cn.lianjian.core.ChangeListener
import cn.lianjian.core.ChecklistInfo
import cn.lianjian.core.ChecklistKey
import cn.lianjian.core.ConflictInfo
import cn.lianjian.core.EnrollmentInfo
import cn.lianjian.core.EnterpriseInfo
import cn.lianjian.core.EvidenceInfo
import cn.lianjian.core.EvidenceTargetInput
import cn.lianjian.core.FindingInfo
import cn.lianjian.core.FindingInput
import cn.lianjian.core.InspectionDraft
import cn.lianjian.core.InspectionInfo
import cn.lianjian.core.LianjianStore
import cn.lianjian.core.PhotoProcessor
import cn.lianjian.core.RecordSigningInfo
import cn.lianjian.core.RefusalInfo
import cn.lianjian.core.ResponseInfo
import cn.lianjian.core.SignatureCheckInfo
import cn.lianjian.core.SetAsideInfo
import cn.lianjian.core.SignatureInfo
import cn.lianjian.core.SignerInput
import cn.lianjian.core.SyncEngine
import cn.lianjian.core.SyncListener
import cn.lianjian.core.SyncProgress
import cn.lianjian.core.SyncReport
import cn.lianjian.core.TaskSummary
import cn.lianjian.core.UserInfo
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withContext

/**
 * The app's single door to the core, shared by the Android screens and the
 * JVM tests: every store call runs on [io] (the core is synchronous and
 * must stay off the main thread), sync is a suspend call, and screens
 * observe [syncState] and [changes] instead of polling.
 */
class InspectionRepository(
    private val store: LianjianStore,
    private val engine: SyncEngine,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _syncState = MutableStateFlow<SyncState>(SyncState.Idle)

    /** The sync screen's state. */
    val syncState: StateFlow<SyncState> = _syncState.asStateFlow()

    private val _changes = MutableSharedFlow<List<String>>(extraBufferCapacity = 64)

    /** Document ids changed by sync (a merge from teammates). */
    val changes: SharedFlow<List<String>> = _changes.asSharedFlow()

    private val _tasksChanged = MutableSharedFlow<Unit>(extraBufferCapacity = 8)

    /** A sync moved some hazard in the closed loop: read the task lists again. */
    val tasksChanged: SharedFlow<Unit> = _tasksChanged.asSharedFlow()

    init {
        store.addChangeListener(object : ChangeListener {
            override fun onChange(documentIds: List<String>) {
                _changes.tryEmit(documentIds)
            }

            override fun onTasksChanged() {
                _tasksChanged.tryEmit(Unit)
            }
        })
    }

    /** Redeems an enrollment code and signs the user in; keep the token in the Keystore. */
    suspend fun enroll(code: String, deviceName: String, userName: String): EnrollmentInfo {
        val e = engine.enroll(store, code, deviceName)
        withContext(io) { store.signIn(UserInfo(e.userId, userName, e.role)) }
        return e
    }

    /** Syncs now; the outcome is also published on [syncState]. */
    suspend fun sync(token: String): SyncReport {
        _syncState.value = SyncState.Running(null)
        return try {
            val report = engine.sync(store, token, object : SyncListener {
                override fun onProgress(progress: SyncProgress) {
                    _syncState.value = SyncState.Running(progress)
                }
            })
            // The office's own fonts, once: documents are set in them from then on.
            // A failure here is retried on the next sync; the sync itself succeeded.
            try {
                engine.fetchOfficeFonts(store, token)
            } catch (e: ApiException) {
            }
            _syncState.value = SyncState.Done(report)
            report
        } catch (e: ApiException) {
            _syncState.value = SyncState.Failed(
                message = e.message ?: e.javaClass.simpleName,
                retryable = e is ApiException.Network || e is ApiException.Interrupted,
                reenroll = e is ApiException.Unauthorized,
            )
            throw e
        }
    }

    /** Stops a running sync before its next request (e.g. the app goes to background). */
    fun interruptSync() = engine.interrupt()

    /** My tasks: inspections under way. */
    suspend fun tasks(): List<TaskSummary> = withContext(io) { store.myTasks() }

    /** The signed-in user's closed-loop tasks, as the core's rule gives them for the user's role. */
    suspend fun hazardTasks(): List<cn.lianjian.core.HazardTaskInfo> = withContext(io) { store.hazardTasks() }

    /** An enterprise from what the inspector scanned or typed: a QR payload or a credit code. */
    suspend fun findEnterprise(scannedOrTyped: String): EnterpriseInfo = withContext(io) {
        val text = scannedOrTyped.trim()
        if (text.length == 18) store.enterpriseByCreditCode(text) else store.enterpriseByQr(text)
    }

    /** Checklists for an enterprise's industry. */
    suspend fun checklists(industry: String): List<ChecklistInfo> = withContext(io) { store.latestChecklists(industry) }

    /** The core's team rule on [team] for an inspection of [industry]: null when it may start, else why not (Chinese). */
    fun checkTeam(team: List<cn.lianjian.core.TeamMemberInfo>, industry: String): String? =
        cn.lianjian.core.checkTeam(team, industry, false)

    /** Plans an inspection and starts it; returns its id. */
    suspend fun startInspection(draft: InspectionDraft): String = withContext(io) {
        val id = store.createInspection(draft)
        store.setInspectionStatus(id, "in_progress")
        id
    }

    /** Presents the inspection for signature (`awaiting_signature`), or moves it on; the core refuses a step it does not allow. */
    suspend fun setStatus(id: String, status: String) = withContext(io) { store.setInspectionStatus(id, status) }

    /**
     * Lays out and numbers a document of [kind] for the inspection on this
     * device (offline, from its number blocks), writing the PDF and page 1 as
     * PNG into [outDir]. A record that cannot fill the form is an [cn.lianjian.core.ApiException].
     */
    suspend fun printDocument(engine: cn.lianjian.core.DocumentEngine, id: String, kind: String, options: cn.lianjian.core.DocumentOptions, outDir: String) =
        withContext(io) { engine.renderDocument(store, id, kind, options, outDir) }

    /** The inspection's header. */
    suspend fun inspection(id: String): InspectionInfo = withContext(io) { store.openInspection(id) }

    /** Records an answer; the core computes the verdict. */
    suspend fun answer(id: String, checklist: ChecklistKey, itemCode: String, answer: AnswerInput, note: String): ResponseInfo =
        withContext(io) { store.recordResponse(id, checklist, itemCode, answer, note) }

    /** Records a hazard; the core computes its deadline. */
    suspend fun addFinding(id: String, finding: FindingInput): FindingInfo = withContext(io) { store.addFinding(id, finding) }

    /**
     * Changes a hazard's grade; a computed deadline follows. A grade that stops work
     * (一级, 重大) needs the immediate measure taken on site (`stop_work`, `evacuate`, ...).
     */
    suspend fun regrade(id: String, findingId: String, grade: String, immediateMeasure: String? = null): FindingInfo =
        withContext(io) { store.setFindingGrade(id, findingId, grade, immediateMeasure) }

    /** The inspection's findings. */
    suspend fun findings(id: String): List<FindingInfo> = withContext(io) { store.findings(id) }

    /** Conflicts the lead must resolve. */
    suspend fun conflicts(id: String): List<ConflictInfo> = withContext(io) { store.conflicts(id) }

    /** What the server refused, newest first, with the record and the reason. */
    suspend fun refusals(): List<RefusalInfo> = withContext(io) { store.refusals() }

    /** The changes set aside for a document (kept; exportable to the office). */
    suspend fun setAside(id: String): List<SetAsideInfo> = withContext(io) { store.setAsideChanges(id) }

    /** Resolves a conflict with one of its values. */
    suspend fun resolve(id: String, conflict: ConflictInfo, chosen: String) = withContext(io) {
        store.resolveConflict(id, conflict, chosen)
    }

    /** Takes the camera's photo at [path] as evidence for a hazard (`InvalidEvidence` if unusable). */
    suspend fun addPhoto(id: String, findingId: String, path: String, processor: PhotoProcessor, purpose: String = "hazard"): EvidenceInfo =
        withContext(io) { store.ingestPhoto(id, EvidenceTargetInput.Finding(findingId), purpose, path, processor) }

    /** Where the bytes of the blob [sha256] are on this device (the display copy of a photo, say). */
    suspend fun blobPath(sha256: String): String = withContext(io) { store.blobPath(sha256) }

    /** The inspection's evidence, flags included. */
    suspend fun evidence(id: String): List<EvidenceInfo> = withContext(io) { store.evidence(id) }

    /** Signs [record] with what the pad recorded. */
    suspend fun sign(id: String, record: String, signer: SignerInput, pad: SignaturePadModel): SignatureInfo =
        withContext(io) { store.signRecord(id, record, signer, pad.strokes(), pad.width, pad.height) }

    /** Records the enterprise's refusal to sign [record]. */
    suspend fun refuse(id: String, record: String, reason: String) = withContext(io) { store.refuseToSign(id, record, reason) }

    /** Every signature and whether it still holds. */
    suspend fun signatures(id: String): List<SignatureCheckInfo> = withContext(io) { store.verifySignatures(id) }

    /** What each record still needs before the inspection is final. */
    suspend fun signingState(id: String): List<RecordSigningInfo> = withContext(io) { store.signingState(id) }
}
