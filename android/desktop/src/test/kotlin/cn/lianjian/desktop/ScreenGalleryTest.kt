package cn.lianjian.desktop

import androidx.compose.runtime.Composable
import cn.lianjian.screens.ConflictsScreen
import cn.lianjian.screens.TeamDraftEvents
import cn.lianjian.screens.TeamScreen
import cn.lianjian.screens.EnrollScreen
import cn.lianjian.screens.DocumentScreen
import cn.lianjian.screens.EvidenceScreen
import cn.lianjian.screens.RectificationScreen
import cn.lianjian.screens.ReviewScreen
import cn.lianjian.screens.model.DocumentState
import cn.lianjian.screens.SigningScreen
import cn.lianjian.screens.model.ConflictsState
import cn.lianjian.screens.model.EvidenceState
import cn.lianjian.screens.model.EnrollState
import cn.lianjian.screens.InspectionScreen
import cn.lianjian.screens.model.InspectionState
import cn.lianjian.screens.LookupScreen
import cn.lianjian.screens.model.LookupState
import cn.lianjian.screens.SyncScreen
import cn.lianjian.screens.TasksScreen
import cn.lianjian.screens.model.TasksState
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File

/**
 * Every screen in each of its states, rendered headless and compared with
 * the PNG committed under docs/screens/ (the README shows them): a layout
 * change that moves more than 0.5% of the pixels fails here. The main state
 * of each screen is rendered at every size in [Devices]; the empty, loading
 * and error states at phone size. Run with -Dlianjian.update.screens=true
 * to write them after a deliberate change, then look at each.
 */
class ScreenGalleryTest {
    private fun shot(name: String, devices: List<Device>, content: @Composable () -> Unit) = devices.map { device ->
        DynamicTest.dynamicTest("$name-${device.name}") {
            val png = renderPng(device, content)
            val file = File(ScreensDir, "$name-${device.name}.png")
            if (Updating) {
                file.parentFile.mkdirs()
                file.writeBytes(png)
            } else {
                assertTrue(file.exists(), "no committed screenshot $file: run with -Dlianjian.update.screens=true and look at it")
                val diff = difference(decode(png), decode(file.readBytes()))
                if (diff > 0.005) {
                    val out = File("target/screens/${file.name}").apply { parentFile.mkdirs(); writeBytes(png) }
                    throw AssertionError("$name on ${device.name} differs from ${file.name} in ${"%.2f".format(diff * 100)}% of pixels; new render: $out")
                }
            }
        }
    }

    private val phone = listOf(Devices[0])

    @TestFactory
    fun screens(): List<DynamicTest> = listOf(
        shot("enroll", Devices) { EnrollScreen(Samples.enroll, {}, {}, {}) },
        shot("enroll-error", phone) { EnrollScreen(Samples.enrollError, {}, {}, {}) },
        shot("enroll-empty", phone) { EnrollScreen(EnrollState(), {}, {}, {}) },
        shot("tasks", Devices) { TasksScreen(Samples.tasks, {}, {}, {}, {}) },
        shot("tasks-empty", phone) { TasksScreen(TasksState(who = Samples.tasks.who), {}, {}, {}, {}) },
        shot("tasks-loading", phone) { TasksScreen(TasksState(loading = true), {}, {}, {}, {}) },
        shot("tasks-error", phone) { TasksScreen(TasksState(error = "本机数据库无法打开，请重启应用；若仍失败请联系联检办"), {}, {}, {}, {}) },
        shot("lookup", Devices) { LookupScreen(Samples.lookup, {}, {}, {}, {}) },
        shot("lookup-missing", phone) { LookupScreen(Samples.lookupMissing, {}, {}, {}, {}) },
        shot("lookup-empty", phone) { LookupScreen(LookupState(), {}, {}, {}, {}) },
        shot("inspection", Devices) { InspectionScreen(Samples.inspection, { _, _ -> }, { _, _ -> }, {}, {}, {}) },
        // The findings and the new-finding form, as they show once the checklist is scrolled past.
        shot("inspection-findings", phone) {
            InspectionScreen(Samples.inspection.copy(sections = emptyList(), error = "整改期限不得早于检查日期"), { _, _ -> }, { _, _ -> }, {}, {}, {})
        },
        shot("inspection-loading", phone) { InspectionScreen(InspectionState(loading = true), { _, _ -> }, { _, _ -> }, {}, {}, {}) },
        shot("inspection-error", phone) {
            InspectionScreen(InspectionState(loadError = "这次检查的记录无法读取：请同步后再试"), { _, _ -> }, { _, _ -> }, {}, {}, {})
        },
        shot("signing", Devices) { SigningScreen(Samples.signing, { _, _, _, _ -> }, { _, _, _, _ -> }, {}, {}, {}, {}, {}, {}, {}) },
        shot("signing-refusal", phone) { SigningScreen(Samples.signingRefusal, { _, _, _, _ -> }, { _, _, _, _ -> }, {}, {}, {}, {}, {}, {}, {}) },
        shot("team", Devices) { TeamScreen(Samples.team, NoDraftEvents, {}, {}, {}) },
        shot("team-empty", phone) { TeamScreen(cn.lianjian.screens.model.TeamState(enterprise = Samples.team.enterprise), NoDraftEvents, {}, {}, {}) },
        shot("conflicts", Devices) { ConflictsScreen(Samples.conflicts, { _, _ -> }, {}) },
        shot("conflicts-member", phone) { ConflictsScreen(Samples.conflicts.copy(mayResolve = false), { _, _ -> }, {}) },
        shot("conflicts-empty", phone) { ConflictsScreen(ConflictsState(), { _, _ -> }, {}) },
        shot("evidence", Devices) { EvidenceScreen(Samples.evidence, ::thumbnail) {} },
        shot("evidence-empty", phone) { EvidenceScreen(EvidenceState(target = Samples.evidence.target), ::thumbnail) {} },
        shot("document", Devices) { DocumentScreen(Samples.document, ::thumbnail) {} },
        shot("document-missing", phone) { DocumentScreen(DocumentState(title = "现场检查记录", error = "模板中缺少执法机关名称：请联检办导入本部门的文书模板"), ::thumbnail) {} },
        shot("rectification", Devices) { RectificationScreen(Samples.rectification, ::thumbnail, {}, {}, {}, {}, {}, {}) },
        shot("review", Devices) { ReviewScreen(Samples.review, ::thumbnail, {}, {}, {}, {}) },
        shot("sync", Devices) { SyncScreen(Samples.sync) {} },
        shot("sync-failed", phone) { SyncScreen(Samples.syncFailed) {} },
    ).flatten()
}

private val NoDraftEvents = TeamDraftEvents({}, {}, {}, {}, {})
