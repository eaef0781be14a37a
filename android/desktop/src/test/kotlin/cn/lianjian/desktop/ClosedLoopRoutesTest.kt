package cn.lianjian.desktop

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.v2.runDesktopComposeUiTest
import cn.lianjian.app.ClosedLoopRepository
import cn.lianjian.app.FixedClock
import cn.lianjian.app.InspectionRepository
import cn.lianjian.app.TestServer
import cn.lianjian.core.FindingInput
import cn.lianjian.core.LianjianStore
import cn.lianjian.core.PhotoProcessor
import cn.lianjian.core.SyncEngine
import cn.lianjian.screens.model.Strings
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.nio.file.Path

/**
 * The closed loop in the screens, through the real core and server: the
 * enterprise finds the hazard on its task list (the core's rule for its
 * role) and reports a rectification with an after-photo beside the hazard's
 * photo; the office finds the report on its own task list, reads it,
 * photos side by side, and accepts it.
 */
@OptIn(ExperimentalTestApi::class)
class ClosedLoopRoutesTest {
    private val photos = File(System.getProperty("lianjian.root"), "fixtures/photos")
    private val processor = PhotoProcessor("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2u)

    @Test
    fun theEnterpriseReportsInTheScreenAndTheOfficeAcceptsInItsScreen(@TempDir dir: Path) = TestServer().use { server ->
        fun device(who: String, label: String): Triple<InspectionRepository, ClosedLoopRepository, String> {
            val store = LianjianStore.openWithClock(File(dir.toFile(), "$label.db").path, FixedClock("2026-06-01T09:00:00+08:00"))
            val app = InspectionRepository(store, SyncEngine(server.url))
            val user = server.user(who)
            val token = runBlocking { app.enroll(user.code, "平板$label", user.name).token.also { app.sync(it) } }
            return Triple(app, ClosedLoopRepository(store), token)
        }
        val (ent, entLoop, entToken) = device("企业", "E")
        val (office, officeLoop, officeToken) = device("联检办", "O")
        val hazard = runBlocking {
            val mine = entLoop.rectificationsDue().firstOrNull()?.enterpriseId
                ?: LianjianStore.openWithClock(File(dir.toFile(), "E.db").path, FixedClock("2026-06-01T09:00:00+08:00")).searchEnterprises("", 5u)[0].id
            val id = entLoop.startSelfInspection(mine)
            val f = ent.addFinding(id, FindingInput("配电箱门锁损坏", "配电房", null, "三级", "更换门锁"))
            ent.addPhoto(id, f.id, File(photos, "plain.png").path, processor)
            entLoop.rectificationsDue().single { it.id == f.id }
        }

        runDesktopComposeUiTest {
            // The enterprise's task list holds the hazard to rectify (the core's rule for its role).
            val session = DesktopSession(ent, entLoop, entToken, {}, team = { emptyList() }, now = { "2026-06-01T09:00:00+08:00" },
                photos = Photos(processor) { File(photos, "other-scene.jpg").path })
            setContent { DesktopApp(session) }
            val task = "task-hazard:rectify:${hazard.id}"
            waitUntil(timeoutMillis = 20_000) { onAllNodes(hasTestTag(task)).fetchSemanticsNodes().isNotEmpty() }
            onNodeWithTag(task).performClick()
            onNodeWithTag("measures").performTextInput("更换配电箱门锁")
            onNodeWithTag("responsible").performTextInput("电工 张强")
            onNodeWithTag("completed-on").performTextInput("2026-06-01")
            onNodeWithTag("add-photos").performClick()
            waitUntil(timeoutMillis = 20_000) { onAllNodes(hasTestTag("submit-report")).fetchSemanticsNodes().isNotEmpty() }
            // The after-photo is ingested (copies, hashes, flags) by the core: wait for its pair or an error.
            waitUntil(timeoutMillis = 90_000) {
                onAllNodes(androidx.compose.ui.test.hasText(Strings.after)).fetchSemanticsNodes().isNotEmpty() ||
                    onAllNodes(hasTestTag("error")).fetchSemanticsNodes().isNotEmpty()
            }
            assertEquals(emptyList<String>(), onAllNodes(hasTestTag("error")).fetchSemanticsNodes().map { it.config.toString() })
            onNodeWithTag("submit-report").performScrollTo().performClick()
            waitUntil(timeoutMillis = 20_000) { onAllNodes(hasTestTag("submitted")).fetchSemanticsNodes().isNotEmpty() }
        }
        runBlocking { ent.sync(entToken); office.sync(officeToken) }
        val due = runBlocking { officeLoop.reviewsDue().single { it.id == hazard.id } }

        runDesktopComposeUiTest {
            // The office's task list holds the report to review; the enterprise's task is gone from its own list.
            setContent { DesktopApp(DesktopSession(office, officeLoop, officeToken, {}, team = { emptyList() }, now = { "2026-06-01T09:00:00+08:00" })) }
            val task = "task-hazard:review:${due.id}"
            waitUntil(timeoutMillis = 20_000) { onAllNodes(hasTestTag(task)).fetchSemanticsNodes().isNotEmpty() }
            onNodeWithTag(task).performClick()
            waitUntil(timeoutMillis = 20_000) { onAllNodes(androidx.compose.ui.test.hasText("${Strings.measures}：更换配电箱门锁")).fetchSemanticsNodes().isNotEmpty() }
            onNodeWithText(Strings.before).assertIsDisplayed()
            onNodeWithTag("accept").performScrollTo().performClick()
            waitUntil(timeoutMillis = 20_000) { onAllNodes(hasTestTag("done")).fetchSemanticsNodes().isNotEmpty() }
        }
        val cycle = runBlocking { officeLoop.lifeCycles(hazard.inspectionId).single { it.findingId == hazard.id } }
        assertEquals(listOf("submitted", "accepted"), cycle.events.map { it.kind })
        val report = runBlocking { officeLoop.reports(hazard.inspectionId).single() }
        assertEquals(1, report.report.photos.size)
    }
}
