package cn.lianjian.app

import cn.lianjian.core.AnswerInput
import cn.lianjian.core.ApiException
import cn.lianjian.core.ChecklistKey
import cn.lianjian.core.FindingInput
import cn.lianjian.core.InspectionDraft
import cn.lianjian.core.LianjianStore
import cn.lianjian.core.SyncEngine
import cn.lianjian.core.TeamMemberInfo
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.nio.file.Path

/**
 * The same flow as the Python suite, through the app's Kotlin layer
 * (InspectionRepository, InspectionViewModel) and coroutines, against the
 * workspace's sync server started on a loopback port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InspectionFlowTest {
    private lateinit var server: TestServer
    private val url get() = server.url

    @BeforeAll
    fun start() {
        server = TestServer()
    }

    @AfterAll
    fun stop() = server.close()

    private fun user(role: String, n: Int = 0) = server.user(role, n)

    private suspend fun device(dir: Path, who: Seeded, label: String): Pair<InspectionRepository, String> {
        val store = LianjianStore.openWithClock(File(dir.toFile(), "$label.db").path, FixedClock("2026-03-02T09:00:00+08:00"))
        val repo = InspectionRepository(store, SyncEngine(url))
        val e = repo.enroll(who.code, "平板$label", who.name)
        return repo to e.token
    }

    @Test
    fun twoInspectorsMergeAndResolveAConflict(@TempDir dir: Path) = runBlocking {
        val leadUser = user("检查组组长")
        val memberUser = user("检查人员")
        val (lead, leadToken) = device(dir, leadUser, "A")
        val (member, memberToken) = device(dir, memberUser, "B")

        lead.sync(leadToken)
        val done = lead.syncState.value
        assertTrue(done is SyncState.Done && done.report.progress.documentsDone > 60u, "$done")
        val ent = lead.findEnterprise("https://gsxt.gov.cn/q?uniscid=" +
            LianjianStore.openWithClock(File(dir.toFile(), "A.db").path, FixedClock("2026-03-02T09:00:00+08:00")).searchEnterprises("化工", 1u)[0].creditCode)
        val checklist = lead.checklists(ent.industry)[0]
        val key = ChecklistKey(checklist.id, checklist.version)
        val team = listOf(
            TeamMemberInfo(leadUser.userId, leadUser.name, "emergency_management", "lead", "42120001", listOf(ent.industry)),
            TeamMemberInfo(memberUser.userId, memberUser.name, "emergency_management", "inspector", "42120002", listOf(ent.industry)),
        )
        val id = lead.startInspection(InspectionDraft(ent.id, listOf(key), team, "2026-03-02T08:30:00+08:00"))
        val finding = lead.addFinding(id, FindingInput("储罐区防火堤破损", "罐区", null, "三级", "修复防火堤"))
        lead.sync(leadToken)

        // What the shared screens show comes from these records.
        val task = ScreenStates.task(lead.tasks().first { it.inspectionId == id })
        assertEquals(ent.name, task.enterprise)
        val row = ScreenStates.finding(lead.findings(id).single())
        assertEquals(Triple("储罐区防火堤破损", "三级", finding.deadline), Triple(row.description, row.grade, row.due))
        assertEquals(ent.riskLabel, ScreenStates.enterprise(ent).risk)
        val synced = ScreenStates.sync(lead.syncState.value, lead.refusals(), "2026-03-02 09:00")
        assertTrue(synced.summary!!.startsWith("同步完成") && synced.error == null && !synced.running, "$synced")

        // The teammate's screen logic, refreshed by the merge that brings the inspection.
        val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
        member.sync(memberToken)
        val screen = InspectionViewModel(member, id, scope)
        screen.refresh()
        assertEquals(1, screen.state.value.findings.size)
        assertEquals("检查中", screen.state.value.header?.statusLabel)

        // Offline on both: a failing measurement, two grades for one hazard, a second hazard.
        val measured = checklist.sections.flatMap { it.items }.first { it.kind == "measurement" }
        val bad = measured.max?.plus(1.0) ?: (measured.min!! - 1.0)
        assertEquals("fail", lead.answer(id, key, measured.code, AnswerInput.Measured(bad), "仪器读数").verdict)
        lead.regrade(id, finding.id, "一级", "stop_work")
        member.regrade(id, finding.id, "二级")
        member.addFinding(id, FindingInput("安全出口堵塞", "二号车间", null, "三级", "立即清理"))
        lead.sync(leadToken)
        member.sync(memberToken)
        lead.sync(leadToken)

        // The merge reaches the lead; the conflict shows both values; the lead resolves it.
        assertEquals(2, lead.findings(id).size)
        val conflict = lead.conflicts(id).first { it.field == "grade" }
        assertEquals(setOf("一级", "二级"), conflict.candidates.map { it.value }.toSet())
        lead.resolve(id, conflict, "一级")
        lead.sync(leadToken)
        member.sync(memberToken)
        withTimeout(10_000) { screen.state.first { s -> s.findings.any { it.id == finding.id && it.grade == "一级" } } }
        assertTrue(member.conflicts(id).none { it.field == "grade" })

        // A refused input shows next to its field.
        assertEquals(null, screen.addFinding(FindingInput("无等级", "库房", null, "五级", "整改")))
        assertEquals("grade", screen.state.value.error?.first)
        scope.cancel()
    }

    @Test
    fun errorsArriveAsTheirClasses(@TempDir dir: Path) = runBlocking {
        val (repo, token) = device(dir, user("检查人员", 1), "C")
        assertThrows<ApiException.Validation> { repo.findEnterprise("123") }
        assertThrows<ApiException.Unauthorized> { repo.sync("not-a-token") }
        val failed = repo.syncState.value
        assertTrue(failed is SyncState.Failed && failed.reenroll && !failed.retryable, "$failed")
        val offline = InspectionRepository(LianjianStore.openWithClock(File(dir.toFile(), "D.db").path, FixedClock("2026-03-02T09:00:00+08:00")), SyncEngine("http://127.0.0.1:9"))
        assertThrows<ApiException.Network> { offline.sync(token) }
        assertTrue((offline.syncState.value as SyncState.Failed).retryable)
    }
}
