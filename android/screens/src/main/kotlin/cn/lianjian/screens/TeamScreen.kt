package cn.lianjian.screens

import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.Strings
import cn.lianjian.screens.model.TeamMemberRow
import cn.lianjian.screens.model.TeamState

/** The departments a member may belong to: code and label. */
val Departments = listOf(
    "emergency_management" to Strings.deptEmergencyManagement,
    "fire_rescue" to Strings.deptFireRescue,
    "housing_construction" to Strings.deptHousingConstruction,
    "market_regulation" to Strings.deptMarketRegulation,
    "transport" to Strings.deptTransport,
    "public_security" to Strings.deptPublicSecurity,
    "health" to Strings.deptHealth,
    "natural_resources" to Strings.deptNaturalResources,
)

/** A department's label from its code. */
fun departmentLabel(code: String) = Departments.firstOrNull { it.first == code }?.second ?: code

/** The member-form callbacks of the team screen. */
data class TeamDraftEvents(
    val onName: (String) -> Unit,
    val onPerson: (String) -> Unit,
    val onCertificate: (String) -> Unit,
    val onDepartment: (String) -> Unit,
    val onAdd: () -> Unit,
)

/**
 * 组建检查组: the lead adds colleagues (their personal code scanned from their
 * app), names one lead, and sees the core's team rule on the team as it
 * stands; 开始检查 is offered only when the rule is met.
 */
@Composable
fun TeamScreen(
    state: TeamState,
    draft: TeamDraftEvents,
    onMakeLead: (TeamMemberRow) -> Unit,
    onRemove: (TeamMemberRow) -> Unit,
    onStart: () -> Unit,
) {
    ScreenFrame(Strings.teamTitle) { modifier ->
        Column(
            modifier.verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            if (state.enterprise.isNotEmpty()) Text(Strings.teamFor(state.enterprise), style = MaterialTheme.typography.titleMedium)
            if (state.members.isEmpty()) Text(Strings.teamEmpty, style = MaterialTheme.typography.bodyLarge)
            state.members.forEach { m -> MemberCard(m, onMakeLead, onRemove) }
            val verdict = state.verdict
            if (verdict != null) ErrorLine(verdict)
            else if (state.members.isNotEmpty()) Text(Strings.teamReady, color = MaterialTheme.colorScheme.primary, modifier = Modifier.testTag("team-ready"))
            Button(
                onClick = onStart,
                enabled = !state.busy && verdict == null && state.members.isNotEmpty(),
                modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("team-start"),
            ) { Text(Strings.teamStart) }
            Text(Strings.teamAdd, style = MaterialTheme.typography.titleMedium)
            OutlinedTextField(state.draftName, draft.onName, label = { Text(Strings.teamName) }, singleLine = true,
                modifier = Modifier.fillMaxWidth().testTag("member-name"))
            OutlinedTextField(state.draftPerson, draft.onPerson, label = { Text(Strings.teamPerson) }, singleLine = true,
                modifier = Modifier.fillMaxWidth().testTag("member-person"))
            OutlinedTextField(state.draftCertificate, draft.onCertificate, label = { Text(Strings.teamCertificate) }, singleLine = true,
                modifier = Modifier.fillMaxWidth().testTag("member-certificate"))
            Row(Modifier.horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Departments.forEach { (code, label) ->
                    FilterChip(
                        selected = state.draftDepartment == code, onClick = { draft.onDepartment(code) }, label = { Text(label) },
                        modifier = Modifier.heightIn(min = MinTouch).testTag("department-$code"),
                    )
                }
            }
            state.error?.let { ErrorLine(it) }
            OutlinedButton(
                onClick = draft.onAdd,
                enabled = state.draftName.isNotBlank() && state.draftPerson.isNotBlank(),
                modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("member-add"),
            ) { Text(Strings.teamAdd) }
        }
    }
}

@Composable
private fun MemberCard(m: TeamMemberRow, onMakeLead: (TeamMemberRow) -> Unit, onRemove: (TeamMemberRow) -> Unit) {
    Card(Modifier.fillMaxWidth().testTag("member-${m.personId}")) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(if (m.lead) "${m.name}（${Strings.teamLead}）" else m.name, style = MaterialTheme.typography.titleMedium)
            Text("${departmentLabel(m.department)} · ${m.certificate ?: Strings.teamNoCertificate}",
                style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                if (!m.lead) TextButton(onClick = { onMakeLead(m) }, modifier = Modifier.heightIn(min = MinTouch).testTag("lead-${m.personId}")) { Text(Strings.teamMakeLead) }
                TextButton(onClick = { onRemove(m) }, modifier = Modifier.heightIn(min = MinTouch).testTag("remove-${m.personId}")) { Text(Strings.teamRemove) }
            }
        }
    }
}
