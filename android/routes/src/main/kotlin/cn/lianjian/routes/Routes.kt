/*
 * The routes: each wires a shared screen (android/screens) to the
 * repository and the view models. The Android app and the desktop window
 * both compile this folder; what differs per platform (the QR scanner, the
 * device's name, where the token is kept, navigation) comes in as
 * parameters. No screen is drawn here.
 */
package cn.lianjian.routes

import androidx.compose.foundation.layout.Column
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateMapOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import cn.lianjian.app.InspectionRepository
import cn.lianjian.app.InspectionViewModel
import cn.lianjian.app.ScreenStates
import cn.lianjian.app.SyncState
import cn.lianjian.core.AnswerInput
import cn.lianjian.core.ApiException
import cn.lianjian.core.ChecklistInfo
import cn.lianjian.core.ChecklistKey
import cn.lianjian.core.ConflictInfo
import cn.lianjian.core.EnrollmentInfo
import cn.lianjian.core.EnterpriseInfo
import cn.lianjian.core.FindingInput
import cn.lianjian.core.HazardTaskInfo
import cn.lianjian.core.RefusalInfo
import cn.lianjian.core.ResponseInfo
import cn.lianjian.screens.ConflictsScreen
import cn.lianjian.screens.EnrollScreen
import cn.lianjian.screens.InspectionScreen
import cn.lianjian.screens.LookupScreen
import cn.lianjian.screens.SyncScreen
import cn.lianjian.screens.TasksScreen
import cn.lianjian.screens.model.Answer
import cn.lianjian.screens.model.ConflictsState
import cn.lianjian.screens.model.EnrollState
import cn.lianjian.screens.model.FindingDraft
import cn.lianjian.screens.model.InspectionState
import cn.lianjian.screens.model.ItemState
import cn.lianjian.screens.model.LookupState
import cn.lianjian.screens.model.SectionState
import cn.lianjian.screens.model.Strings
import cn.lianjian.screens.model.TasksState
import kotlinx.coroutines.launch

/** 设备登记, wired: the shared screen and the repository; [onEnrolled] keeps the token. */
@Composable
fun EnrollRoute(repository: InspectionRepository, defaultDeviceName: String, onEnrolled: (EnrollmentInfo) -> Unit) {
    var state by remember { mutableStateOf(EnrollState(deviceName = defaultDeviceName)) }
    val scope = rememberCoroutineScope()
    EnrollScreen(state, { state = state.copy(code = it, error = null) }, { state = state.copy(deviceName = it) }) {
        state = state.copy(busy = true, error = null)
        scope.launch {
            state = try {
                val e = repository.enroll(state.code.trim(), state.deviceName, state.deviceName)
                onEnrolled(e)
                state.copy(busy = false)
            } catch (e: ApiException.Unauthorized) {
                state.copy(busy = false, error = Strings.enrollRefused)
            } catch (e: ApiException.Network) {
                state.copy(busy = false, error = Strings.syncOffline)
            }
        }
    }
}

/** 我的任务, wired: the core's task list, refreshed when a sync changes it. */
@Composable
fun TasksRoute(
    repository: InspectionRepository,
    onOpen: (String) -> Unit,
    onLookup: () -> Unit,
    onSync: () -> Unit,
    /** A closed-loop task was tapped: rectify, review or reinspect the hazard. */
    onHazard: (HazardTaskInfo) -> Unit = {},
) {
    var state by remember { mutableStateOf(TasksState(loading = true)) }
    var hazards by remember { mutableStateOf<List<HazardTaskInfo>>(emptyList()) }
    var attempt by remember { mutableStateOf(0) }
    LaunchedEffect(attempt) {
        suspend fun load() {
            state = try {
                hazards = repository.hazardTasks()
                TasksState(tasks = repository.tasks().map(ScreenStates::task) + hazards.map(ScreenStates::hazardTask))
            } catch (e: ApiException) {
                TasksState(error = Strings.tasksUnreadable)
            }
        }
        load()
        repository.tasksChanged.collect { load() }
    }
    TasksScreen(state, { row ->
        val hazard = hazards.firstOrNull { ScreenStates.hazardTask(it).id == row.id }
        if (hazard != null) onHazard(hazard) else onOpen(row.id)
    }, onLookup, onSync) { attempt++ }
}

/** 企业查询, wired: QR scan (QrScanner) or a typed code, the offline dossier from the store. */
@Composable
fun LookupRoute(
    repository: InspectionRepository,
    /** The platform's QR scanner, shown when the officer taps 扫码; null where there is no camera. */
    scanner: (@Composable (onScanned: (String) -> Unit) -> Unit)?,
    onStart: ((EnterpriseInfo) -> Unit)?,
) {
    var state by remember { mutableStateOf(LookupState()) }
    var found by remember { mutableStateOf<EnterpriseInfo?>(null) }
    var scanning by remember { mutableStateOf(false) }
    val scope = rememberCoroutineScope()
    val lookup: (String) -> Unit = { text ->
        state = state.copy(query = text, busy = true, error = null)
        scope.launch {
            state = try {
                val e = repository.findEnterprise(text)
                found = e
                state.copy(busy = false, enterprise = ScreenStates.enterprise(e))
            } catch (e: ApiException.Validation) {
                state.copy(busy = false, error = Strings.lookupInvalid, enterprise = null)
            } catch (e: ApiException.NotFound) {
                state.copy(busy = false, error = Strings.lookupNone, enterprise = null)
            }
        }
    }
    Column {
        if (scanning && scanner != null) scanner { scanning = false; lookup(it) }
        LookupScreen(state, { state = state.copy(query = it) }, { lookup(state.query) }, { scanning = true },
            onStart?.let { start -> { found?.let(start) } })
    }
}

/** 现场检查, wired: the checklist answered through the core, whose verdicts and deadlines the screen shows. */
@Composable
fun InspectionRoute(
    repository: InspectionRepository,
    id: String,
    onConflicts: () -> Unit,
    onPresented: () -> Unit,
    /** Opens the documents to print; null where this device does not print. */
    onDocuments: (() -> Unit)? = null,
) {
    val scope = rememberCoroutineScope()
    val model = remember(id) { InspectionViewModel(repository, id, scope) }
    val screen by model.state.collectAsState()
    var lists by remember { mutableStateOf<List<ChecklistInfo>>(emptyList()) }
    val answers = remember { mutableStateMapOf<String, Pair<Answer?, ResponseInfo?>>() }
    val readings = remember { mutableStateMapOf<String, String>() }
    var draft by remember { mutableStateOf(FindingDraft()) }
    var presentError by remember { mutableStateOf<String?>(null) }
    LaunchedEffect(id) {
        model.refresh()
        val header = repository.inspection(id)
        lists = repository.checklists(header.industry).filter { c -> header.checklists.any { it.id == c.id && it.version == c.version } }
    }
    val header = screen.header
    val sections = lists.flatMap { list ->
        list.sections.map { section ->
            SectionState(section.title, section.items.map { item ->
                val (answer, response) = answers[item.code] ?: (null to null)
                ItemState(
                    code = item.code, text = item.text, basis = item.legalBasis, answer = answer,
                    threshold = if (item.kind == "measurement") listOfNotNull(item.min?.let { "≥ $it" }, item.max?.let { "≤ $it" }, item.unit).joinToString(" ") else null,
                    measured = readings[item.code] ?: "",
                    verdict = response?.verdictLabel, verdictBad = response?.verdict == "fail",
                )
            })
        }
    }
    fun keyOf(code: String) = lists.first { l -> l.sections.any { s -> s.items.any { it.code == code } } }.let { ChecklistKey(it.id, it.version) }
    InspectionScreen(
        InspectionState(
            enterprise = header?.enterpriseName ?: "",
            status = header?.statusLabel ?: "",
            sections = sections,
            findings = screen.findings.map { ScreenStates.finding(it) },
            grades = listOf("一级", "二级", "三级"),
            draft = draft,
            error = screen.error?.second ?: presentError,
            conflicts = screen.conflicts.size,
            loading = header == null,
        ),
        onAnswer = { item, a ->
            scope.launch {
                val input = when (a) { Answer.Yes -> AnswerInput.Pass; Answer.No -> AnswerInput.Fail; Answer.NotApplicable -> AnswerInput.NotApplicable }
                answers[item.code] = a to repository.answer(id, keyOf(item.code), item.code, input, "")
            }
        },
        onMeasured = { item, text ->
            readings[item.code] = text
            text.toDoubleOrNull()?.let { v -> scope.launch { answers[item.code] = null to repository.answer(id, keyOf(item.code), item.code, AnswerInput.Measured(v), "") } }
        },
        onDraft = { draft = it },
        onAddFinding = {
            scope.launch {
                if (model.addFinding(FindingInput(draft.description, "", null, draft.grade, "限期整改")) != null) draft = FindingDraft()
            }
        },
        onRetry = { scope.launch { model.refresh() } },
        onConflicts = onConflicts,
        onDocuments = onDocuments,
        onPresent = {
            scope.launch {
                try {
                    repository.setStatus(id, "awaiting_signature")
                    onPresented()
                } catch (e: ApiException) {
                    presentError = e.message
                }
            }
        },
    )
}

/** 冲突处理, wired: the core's conflicts with both values and authors; the lead's choice goes back to the core. */
@Composable
fun ConflictsRoute(repository: InspectionRepository, id: String, mayResolve: Boolean) {
    val scope = rememberCoroutineScope()
    var conflicts by remember { mutableStateOf<List<ConflictInfo>>(emptyList()) }
    var state by remember { mutableStateOf(ConflictsState(loading = true, mayResolve = mayResolve)) }
    suspend fun load() {
        conflicts = repository.conflicts(id)
        val findings = repository.findings(id).associateBy { it.id }
        state = ConflictsState(mayResolve = mayResolve, conflicts = conflicts.map { c ->
            ScreenStates.conflict(c, "${c.field}：${findings[c.targetId]?.description ?: c.targetId}")
        })
    }
    LaunchedEffect(id) { load() }
    ConflictsScreen(state, onKeep = { row, choice ->
        conflicts.firstOrNull { "${it.targetKind}:${it.targetId}:${it.field}" == row.id }?.let { c ->
            scope.launch { repository.resolve(id, c, choice.value); load() }
        }
    }, onRetry = { scope.launch { load() } })
}

/** 同步, wired: the repository's state and the refusals the store keeps aside; [now] stamps a finished sync. */
@Composable
fun SyncRoute(repository: InspectionRepository, token: () -> String?, now: () -> String) {
    val syncState by repository.syncState.collectAsState()
    val scope = rememberCoroutineScope()
    var refusals by remember { mutableStateOf<List<RefusalInfo>>(emptyList()) }
    var last by remember { mutableStateOf<String?>(null) }
    LaunchedEffect(syncState) {
        refusals = repository.refusals()
        if (syncState is SyncState.Done) last = now()
    }
    SyncScreen(ScreenStates.sync(syncState, refusals, last)) {
        token()?.let { t -> scope.launch { runCatching { repository.sync(t) } } }
    }
}
