package cn.lianjian.desktop

import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasScrollToNodeAction
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTouchInput
import androidx.compose.ui.test.v2.runDesktopComposeUiTest
import cn.lianjian.app.FixedClock
import cn.lianjian.app.InspectionRepository
import cn.lianjian.app.SyncState
import cn.lianjian.app.TestServer
import cn.lianjian.core.LianjianStore
import cn.lianjian.core.SignatureStatusInfo
import cn.lianjian.core.SyncEngine
import cn.lianjian.core.TeamMemberInfo
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.nio.file.Path

/**
 * The app's screens through the real core: the desktop window's routes on a
 * real store (generated Kotlin bindings, the native library) and the
 * workspace's sync server on loopback. An officer enrolls, syncs, looks an
 * enterprise up by its credit code, starts an inspection, records a hazard,
 * presents it for signature, has the responsible person sign on the pad,
 * and syncs; a teammate's device then holds the hazard and a valid
 * signature.
 */
@OptIn(ExperimentalTestApi::class)
class RealCoreFlowTest {
    private fun ComposeUiTest.waitFor(tag: String, timeout: Long = 20_000) =
        waitUntil(timeoutMillis = timeout) { onAllNodes(hasTestTag(tag)).fetchSemanticsNodes().isNotEmpty() }

    /** Taps 立即同步 and waits for that sync (not an earlier one) to end. */
    private fun ComposeUiTest.synced(repo: InspectionRepository) {
        val before = repo.syncState.value
        onNodeWithTag("sync-now").performClick()
        waitUntil(timeoutMillis = 60_000) { repo.syncState.value.let { it !== before && (it is SyncState.Done || it is SyncState.Failed) } }
        assertTrue(repo.syncState.value is SyncState.Done, "${repo.syncState.value}")
    }

    @Test
    fun anOfficerLooksUpStartsRecordsSignsAndSyncsInTheScreens(@TempDir dir: Path) = TestServer().use { server ->
        val lead = server.user("检查组组长")
        val member = server.user("检查人员")
        val clock = "2026-03-02T09:00:00+08:00"
        val store = LianjianStore.openWithClock(File(dir.toFile(), "lead.db").path, FixedClock(clock))
        val repo = InspectionRepository(store, SyncEngine(server.url))
        val enterprise = Samples.enterprise(0)
        val session = DesktopSession(repo, cn.lianjian.app.ClosedLoopRepository(store), null, {}, team = { e ->
            listOf(
                TeamMemberInfo(lead.userId, lead.name, "emergency_management", "lead", "42120001", listOf(e.industry)),
                TeamMemberInfo(member.userId, member.name, "emergency_management", "inspector", "42120002", listOf(e.industry)),
            )
        }, now = { clock })

        runDesktopComposeUiTest {
            setContent { DesktopApp(session) }
            onNodeWithTag("code").performTextInput(lead.code)
            onNodeWithTag("submit").performClick()
            waitFor("lookup")
            onNodeWithTag("sync").performClick()
            synced(repo)
            onNodeWithTag("back").performClick()

            onNodeWithTag("lookup").performClick()
            onNodeWithTag("query").performTextInput(enterprise["credit_code"].asText())
            onNodeWithTag("submit").performClick()
            waitFor("start")
            onNodeWithTag("start").performClick()
            waitFor("present")
            // The checklist and findings are read from the store.
            waitUntil(timeoutMillis = 20_000) {
                onAllNodes(hasTestTag("placeholder")).fetchSemanticsNodes().isEmpty() &&
                    onAllNodes(hasScrollToNodeAction()).fetchSemanticsNodes().isNotEmpty()
            }
            val list = onNode(hasScrollToNodeAction())
            list.performScrollToNode(hasTestTag("finding-description"))
            onNodeWithTag("finding-description").performTextInput("储罐区防火堤破损")
            list.performScrollToNode(hasTestTag("grade-三级"))
            onNodeWithTag("grade-三级").performClick()
            list.performScrollToNode(hasTestTag("add-finding"))
            onNodeWithTag("add-finding").performClick()
            waitUntil(timeoutMillis = 20_000) { runBlocking { store.myTasks().any { t -> store.findings(t.inspectionId).isNotEmpty() } } }

            onNodeWithTag("present").performClick()
            waitFor("pad")
            onNodeWithTag("signer-name").performTextInput(enterprise["responsible_person"]["name"].asText())
            onNodeWithTag("pad").performTouchInput {
                down(centerLeft + Offset(30f, 0f)); moveTo(center - Offset(0f, 20f)); moveTo(center + Offset(40f, 20f)); moveTo(centerRight - Offset(30f, 0f)); up()
            }
            onNodeWithTag("sign").performClick()
            waitFor("done")

            onNodeWithTag("back").performClick()
            onNodeWithTag("sync").performClick()
            synced(repo)
        }

        // The server accepted everything; a teammate's device receives the hazard and the signature, which verifies.
        assertEquals(emptyList<String>(), store.refusals().map { "${it.record}: ${it.reason}" })
        val id = store.myTasks().single().inspectionId
        val other = LianjianStore.openWithClock(File(dir.toFile(), "member.db").path, FixedClock(clock))
        val otherRepo = InspectionRepository(other, SyncEngine(server.url))
        runBlocking { otherRepo.sync(otherRepo.enroll(member.code, "平板B", member.name).token) }
        assertEquals(listOf("储罐区防火堤破损"), other.findings(id).map { it.description })
        val checks = other.verifySignatures(id)
        assertEquals(1, checks.size)
        assertTrue(checks.single().status is SignatureStatusInfo.Valid, "${checks.single().status}")
        assertEquals(enterprise["responsible_person"]["name"].asText(), checks.single().signature.signerName)
    }
}
