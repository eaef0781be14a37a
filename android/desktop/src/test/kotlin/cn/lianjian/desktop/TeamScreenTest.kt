package cn.lianjian.desktop

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.v2.runDesktopComposeUiTest
import cn.lianjian.routes.teamMemberInfo
import cn.lianjian.screens.LianjianTheme
import cn.lianjian.screens.TeamDraftEvents
import cn.lianjian.screens.TeamScreen
import cn.lianjian.screens.model.Strings
import cn.lianjian.screens.model.TeamMemberRow
import cn.lianjian.screens.model.TeamState
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** The team screen driven by the core's own team rule (the generated bindings), as the route wires it. */
@OptIn(ExperimentalTestApi::class)
class TeamScreenTest {
    private val industry = "hazardous_chemicals"

    private fun verdict(members: List<TeamMemberRow>): String? =
        cn.lianjian.core.checkTeam(members.map { teamMemberInfo(it, industry) }, industry, false)

    @Test
    fun theLeadComposesAJointTeamAndTheCoreDecidesWhenItMayStart() = runDesktopComposeUiTest {
        val me = TeamMemberRow("0190f0a0-0000-7000-8000-000000000001", "王建军", "emergency_management", "42120001", lead = true)
        var state by mutableStateOf(TeamState(enterprise = "咸宁市安达化工有限公司", members = listOf(me), verdict = verdict(listOf(me))))
        var started = 0
        fun update(members: List<TeamMemberRow>) { state = state.copy(members = members, verdict = verdict(members)) }
        setContent {
            LianjianTheme {
                TeamScreen(
                    state,
                    TeamDraftEvents(
                        onName = { state = state.copy(draftName = it) },
                        onPerson = { state = state.copy(draftPerson = it) },
                        onCertificate = { state = state.copy(draftCertificate = it) },
                        onDepartment = { state = state.copy(draftDepartment = it) },
                        onAdd = {
                            update(state.members + TeamMemberRow(state.draftPerson, state.draftName, state.draftDepartment, state.draftCertificate.ifEmpty { null }))
                            state = state.copy(draftName = "", draftPerson = "", draftCertificate = "")
                        },
                    ),
                    onMakeLead = { m -> update(state.members.map { it.copy(lead = it.personId == m.personId) }) },
                    onRemove = { m -> update(state.members.filter { it.personId != m.personId }) },
                    onStart = { started++ },
                )
            }
        }
        // Alone: the core says two certified officers are needed.
        onNodeWithText("执法检查须有两名以上持执法证的执法人员（现有 1 名）").assertIsDisplayed()
        onNodeWithTag("team-start").assertIsNotEnabled()
        // A certified 消防 colleague: two officers, each department represented.
        fun add(name: String, person: String, certificate: String, department: String) {
            onNodeWithTag("member-name").performScrollTo().performTextInput(name)
            onNodeWithTag("member-person").performScrollTo().performTextInput(person)
            if (certificate.isNotEmpty()) onNodeWithTag("member-certificate").performScrollTo().performTextInput(certificate)
            onNodeWithTag("department-$department").performScrollTo().performClick()
            onNodeWithTag("member-add").performScrollTo().performClick()
        }
        add("刘海燕", "0190f0a0-0000-7000-8000-000000000003", "42120003", "fire_rescue")
        onNodeWithTag("team-ready").assertIsDisplayed()
        onNodeWithTag("team-start").assertIsEnabled()
        // A 住建 colleague without a certificate: 住建 takes part with no officer of its own.
        add("李红梅", "0190f0a0-0000-7000-8000-000000000002", "", "housing_construction")
        onNodeWithText("联合检查中 住建 部门须有本部门持执法证的执法人员").assertIsDisplayed()
        onNodeWithTag("team-start").assertIsNotEnabled()
        onNodeWithTag("remove-0190f0a0-0000-7000-8000-000000000002").performScrollTo().performClick()
        onNodeWithTag("team-ready").assertIsDisplayed()
        // Two leads are not possible; handing over the lead keeps the team valid.
        onNodeWithTag("lead-0190f0a0-0000-7000-8000-000000000003").performScrollTo().performClick()
        assertEquals(listOf("刘海燕"), state.members.filter { it.lead }.map { it.name })
        onNodeWithTag("team-start").performScrollTo().assertIsEnabled().performClick()
        assertEquals(1, started)
        // Removing the lead leaves one officer.
        onNodeWithTag("remove-0190f0a0-0000-7000-8000-000000000003").performScrollTo().performClick()
        onNodeWithText(Strings.teamStart).assertIsNotEnabled()
    }
}
