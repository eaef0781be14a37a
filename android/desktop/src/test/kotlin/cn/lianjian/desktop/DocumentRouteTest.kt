package cn.lianjian.desktop

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.v2.runDesktopComposeUiTest
import cn.lianjian.app.FixedClock
import cn.lianjian.app.InspectionRepository
import cn.lianjian.app.TestServer
import cn.lianjian.core.ChecklistKey
import cn.lianjian.core.DocumentEngine
import cn.lianjian.core.DocumentOptions
import cn.lianjian.core.FindingInput
import cn.lianjian.core.InspectionDraft
import cn.lianjian.core.LianjianStore
import cn.lianjian.core.PrintedDocument
import cn.lianjian.core.SignerInput
import cn.lianjian.core.StrokeInput
import cn.lianjian.core.StrokePointInput
import cn.lianjian.core.SyncEngine
import cn.lianjian.core.TeamMemberInfo
import cn.lianjian.routes.DocumentRoute
import cn.lianjian.screens.LianjianTheme
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.nio.file.Path

/**
 * The document preview through the real core: a tablet holding a number
 * block prints a 责令限期整改指令书 for a hazard signed by the responsible
 * person and two officers; the screen shows page 1 as the engine drew it
 * and the number it took, and the print button hands over the real PDF.
 */
@OptIn(ExperimentalTestApi::class)
class DocumentRouteTest {
    private fun strokes(seed: Int) = listOf(
        StrokeInput((0..30).map { i -> StrokePointInput(40f + i * 8f, 80f + ((i * seed) % 7) * 6f, (i * 16).toUInt(), 0.7f) }),
    )

    @Test
    fun aNumberedOrderIsLaidOutShownAndHandedToPrint(@TempDir dir: Path) = TestServer().use { server ->
        val lead = server.user("检查组组长")
        val member = server.user("检查人员")
        val store = LianjianStore.openWithClock(File(dir.toFile(), "tablet.db").path, FixedClock("2026-03-18T09:00:00+08:00"))
        val engine = SyncEngine(server.url)
        val repo = InspectionRepository(store, engine)
        val id = runBlocking {
            val token = repo.enroll(lead.code, "平板", lead.name).token
            repo.sync(token)
            engine.requestNumberBlock(store, token, "rectification_order", 2026)
            val ent = store.searchEnterprises("鑫源化工", 1u)[0]
            val checklist = store.latestChecklists(ent.industry)[0]
            val team = listOf(
                TeamMemberInfo(lead.userId, lead.name, "emergency_management", "lead", "42120001", listOf(ent.industry)),
                TeamMemberInfo(member.userId, member.name, "emergency_management", "inspector", "42120002", listOf(ent.industry)),
            )
            val id = repo.startInspection(InspectionDraft(ent.id, listOf(ChecklistKey(checklist.id, checklist.version)), team, "2026-03-18T08:30:00+08:00"))
            repo.addFinding(id, FindingInput("储罐区防静电接地线断开", "储罐区", null, "二级", "立即修复接地"))
            repo.setStatus(id, "awaiting_signature")
            store.signRecord(id, "findings", SignerInput("袁海燕", "responsible_person", null), strokes(3), 400f, 160f)
            for ((n, who) in listOf(lead, member).withIndex()) {
                store.signRecord(id, "findings", SignerInput(who.name, "inspector", who.userId), strokes(n + 4), 400f, 160f)
            }
            id
        }
        val documents = DocumentEngine("/usr/share/fonts/opentype/noto")
        val options = DocumentOptions("emergency_management", "", null, null, null, emptyList())
        val out = File(dir.toFile(), "printed").path
        var handed: PrintedDocument? = null
        runDesktopComposeUiTest {
            setContent {
                LianjianTheme {
                    DocumentRoute(
                        "责令限期整改指令书",
                        render = { repo.printDocument(documents, id, "rectification_order", options, out) },
                        image = ::loadImage,
                        onPrint = { handed = it },
                    )
                }
            }
            waitUntil(timeoutMillis = 60_000) { onAllNodes(hasTestTag("page")).fetchSemanticsNodes().isNotEmpty() }
            onNodeWithTag("number").assertTextContains("（咸安）应急责改〔2026〕1号", substring = true)
            onNodeWithTag("print").performClick()
        }
        val pdf = File(handed!!.pdfPath).readBytes()
        assertEquals("%PDF-", String(pdf.copyOfRange(0, 5)))
        assertTrue(File(handed!!.previewPath).length() > 10_000)
        assertEquals("（咸安）应急责改〔2026〕1号", handed!!.number)
    }
}
