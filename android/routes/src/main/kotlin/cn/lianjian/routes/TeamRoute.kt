package cn.lianjian.routes

import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import cn.lianjian.app.InspectionRepository
import cn.lianjian.core.ApiException
import cn.lianjian.core.ChecklistKey
import cn.lianjian.core.EnterpriseInfo
import cn.lianjian.core.InspectionDraft
import cn.lianjian.core.TeamMemberInfo
import cn.lianjian.screens.TeamDraftEvents
import cn.lianjian.screens.TeamScreen
import cn.lianjian.screens.model.TeamMemberRow
import cn.lianjian.screens.model.TeamState
import kotlinx.coroutines.launch

/** The screen's member as the core takes it; every officer is qualified for the enterprise's industry. */
fun teamMemberInfo(m: TeamMemberRow, industry: String) = TeamMemberInfo(
    m.personId, m.name, m.department, if (m.lead) "lead" else "inspector", m.certificate, listOf(industry),
)

/**
 * 组建检查组, wired: the signed-in officer starts as lead; each change of
 * the team is judged by the core's team rule (the one the server applies),
 * and 开始检查 plans and starts the inspection with the enterprise's
 * latest checklist.
 */
@Composable
fun TeamRoute(
    repository: InspectionRepository,
    enterprise: EnterpriseInfo,
    me: TeamMemberRow,
    scheduledAt: () -> String,
    onStarted: (String) -> Unit,
) {
    fun judged(members: List<TeamMemberRow>): String? = try {
        repository.checkTeam(members.map { teamMemberInfo(it, enterprise.industry) }, enterprise.industry)
    } catch (e: ApiException) {
        e.message
    }
    var state by remember { mutableStateOf(TeamState(enterprise = enterprise.name, members = listOf(me), verdict = judged(listOf(me)))) }
    val scope = rememberCoroutineScope()
    fun update(members: List<TeamMemberRow>) {
        state = state.copy(members = members, verdict = judged(members), error = null)
    }
    val draft = TeamDraftEvents(
        onName = { state = state.copy(draftName = it) },
        onPerson = { state = state.copy(draftPerson = it) },
        onCertificate = { state = state.copy(draftCertificate = it) },
        onDepartment = { state = state.copy(draftDepartment = it) },
        onAdd = {
            val person = state.draftPerson.trim()
            if (state.members.none { it.personId == person }) {
                val added = TeamMemberRow(person, state.draftName.trim(), state.draftDepartment, state.draftCertificate.trim().ifEmpty { null })
                update(state.members + added)
                state = state.copy(draftName = "", draftPerson = "", draftCertificate = "")
            }
        },
    )
    TeamScreen(
        state, draft,
        onMakeLead = { m -> update(state.members.map { it.copy(lead = it.personId == m.personId) }) },
        onRemove = { m -> update(state.members.filter { it.personId != m.personId }) },
        onStart = {
            state = state.copy(busy = true, error = null)
            scope.launch {
                try {
                    val checklist = repository.checklists(enterprise.industry).firstOrNull()
                    val draft = InspectionDraft(
                        enterprise.id,
                        listOfNotNull(checklist?.let { ChecklistKey(it.id, it.version) }),
                        state.members.map { teamMemberInfo(it, enterprise.industry) },
                        scheduledAt(),
                    )
                    onStarted(repository.startInspection(draft))
                } catch (e: ApiException) {
                    state = state.copy(busy = false, error = e.message)
                }
            }
        },
    )
}
