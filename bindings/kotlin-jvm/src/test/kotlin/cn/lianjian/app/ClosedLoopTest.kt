package cn.lianjian.app

import cn.lianjian.core.ApiException
import cn.lianjian.core.FindingInput
import cn.lianjian.core.LianjianStore
import cn.lianjian.core.PhotoPairInput
import cn.lianjian.core.PhotoProcessor
import cn.lianjian.core.RectificationInput
import cn.lianjian.core.SyncEngine
import kotlinx.coroutines.runBlocking
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
 * The enterprise's side of the closed loop through the app's shared layer
 * (ClosedLoopRepository, InspectionRepository): its task list, a hazard it
 * found itself, the report with a before/after pair, and the office's
 * written 复查 closing it, against the workspace's sync server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClosedLoopTest {
    private lateinit var server: TestServer
    private val font = System.getenv("LIANJIAN_CJK_FONT") ?: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    private val photos = File(System.getProperty("lianjian.root"), "fixtures/photos")

    @BeforeAll
    fun start() {
        server = TestServer()
    }

    @AfterAll
    fun stop() = server.close()

    private class Device(val app: InspectionRepository, val loop: ClosedLoopRepository, val store: LianjianStore, val token: String)

    private suspend fun device(dir: Path, who: Seeded, label: String): Device {
        val store = LianjianStore.openWithClock(File(dir.toFile(), "$label.db").path, FixedClock("2026-06-01T09:00:00+08:00"))
        val app = InspectionRepository(store, SyncEngine(server.url))
        val e = app.enroll(who.code, "平板$label", who.name)
        return Device(app, ClosedLoopRepository(store), store, e.token)
    }

    @Test
    fun theEnterpriseReportsAndTheOfficeCloses(@TempDir dir: Path) = runBlocking {
        val ent = device(dir, server.user("企业"), "E")
        val office = device(dir, server.user("联检办"), "O")
        ent.app.sync(ent.token)
        val mine = ent.store.searchEnterprises("", 5u)[0]

        // A hazard the enterprise found itself, on its task list.
        val id = ent.loop.startSelfInspection(mine.id)
        val finding = ent.app.addFinding(id, FindingInput("配电箱门锁损坏", "配电房", null, "三级", "更换门锁"))
        val due = ent.loop.rectificationsDue().single { it.id == finding.id }
        assertEquals("found", due.lifeState)
        assertTrue(due.selfReported)
        val processor = PhotoProcessor(font, 2u)
        val before = ent.app.addPhoto(id, finding.id, File(photos, "plain.png").path, processor)
        val after = ent.app.addPhoto(id, finding.id, File(photos, "other-scene.jpg").path, processor, "rectification")

        // The report: the enterprise may not review it itself.
        ent.loop.submit(id, RectificationInput(finding.id, "更换配电箱门锁", "电工 张强", "2026-06-01", 8000L,
            listOf(PhotoPairInput(before.sha256, after.sha256)), emptyList(), true))
        assertThrows<ApiException.Forbidden> { ent.loop.accept(id, finding.id) }
        assertTrue(ent.loop.rectificationsDue().none { it.id == finding.id })
        ent.app.sync(ent.token)

        // The office reviews it in writing; the enterprise sees it closed.
        office.app.sync(office.token)
        assertTrue(office.loop.reviewsDue().any { it.id == finding.id })
        office.loop.accept(id, finding.id)
        office.loop.reinspect(id, finding.id, true, "written")
        office.app.sync(office.token)
        assertTrue(ent.app.sync(ent.token).tasksChanged, "the enterprise's sync says its tasks changed")
        val cycle = ent.loop.lifeCycles(id).single()
        assertEquals("closed", cycle.state)
        assertEquals(listOf("submitted", "accepted", "passed"), cycle.events.map { it.kind })
    }
}
