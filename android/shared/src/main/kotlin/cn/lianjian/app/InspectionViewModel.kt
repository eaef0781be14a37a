package cn.lianjian.app

import cn.lianjian.core.ApiException
import cn.lianjian.core.ConflictInfo
import cn.lianjian.core.FindingInfo
import cn.lianjian.core.FindingInput
import cn.lianjian.core.InspectionInfo
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.launch

/** What the inspection screen shows. */
data class InspectionScreen(
    val header: InspectionInfo? = null,
    val findings: List<FindingInfo> = emptyList(),
    val conflicts: List<ConflictInfo> = emptyList(),
    /** A problem to show next to the field it concerns (`field` of a validation error). */
    val error: Pair<String, String>? = null,
)

/**
 * The inspection screen's logic, platform independent (the Android
 * ViewModel only wraps it with viewModelScope): loads the inspection,
 * refreshes it when a sync merges teammates' work into it, and turns
 * validation errors into messages next to the right field.
 */
class InspectionViewModel(
    private val repository: InspectionRepository,
    private val inspectionId: String,
    private val scope: CoroutineScope,
) {
    private val _state = MutableStateFlow(InspectionScreen())

    /** The screen's state. */
    val state: StateFlow<InspectionScreen> = _state.asStateFlow()

    init {
        scope.launch {
            repository.changes.filter { inspectionId in it }.collect { refresh() }
        }
    }

    /** Reloads everything from the store. */
    suspend fun refresh() {
        _state.value = _state.value.copy(
            header = repository.inspection(inspectionId),
            findings = repository.findings(inspectionId),
            conflicts = repository.conflicts(inspectionId),
        )
    }

    /** Records a hazard; a refused input shows next to its field. */
    suspend fun addFinding(input: FindingInput): FindingInfo? = try {
        val f = repository.addFinding(inspectionId, input)
        refresh()
        _state.value = _state.value.copy(error = null)
        f
    } catch (e: ApiException.Validation) {
        _state.value = _state.value.copy(error = e.field to e.reason)
        null
    }

    /** Resolves a conflict (team lead). */
    suspend fun resolve(conflict: ConflictInfo, chosen: String) {
        repository.resolve(inspectionId, conflict, chosen)
        refresh()
    }
}
