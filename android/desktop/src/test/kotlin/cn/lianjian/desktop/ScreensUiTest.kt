package cn.lianjian.desktop

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.hasAnyAncestor
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.hasScrollToNodeAction
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.v2.runDesktopComposeUiTest
import androidx.compose.ui.test.ComposeUiTest
import cn.lianjian.screens.model.Answer
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.test.performTouchInput
import cn.lianjian.screens.ConflictsScreen
import cn.lianjian.screens.EnrollScreen
import cn.lianjian.screens.DocumentScreen
import cn.lianjian.screens.EvidenceScreen
import cn.lianjian.screens.RectificationScreen
import cn.lianjian.screens.ReviewScreen
import cn.lianjian.screens.model.RectificationState
import cn.lianjian.screens.SigningScreen
import cn.lianjian.screens.model.PadPoint
import cn.lianjian.screens.model.EnrollState
import cn.lianjian.screens.InspectionScreen
import cn.lianjian.screens.LianjianTheme
import cn.lianjian.screens.LookupScreen
import cn.lianjian.screens.model.LookupState
import cn.lianjian.screens.MinTouch
import cn.lianjian.screens.model.Strings
import cn.lianjian.screens.SyncScreen
import cn.lianjian.screens.model.TaskRow
import cn.lianjian.screens.TasksScreen
import cn.lianjian.screens.model.TasksState
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * Each screen driven as an officer would: typing, tapping, and the event
 * each tap sends, with the screen held in state as a route holds it. Every
 * clickable node is at least 48 dp in both directions.
 */
@OptIn(ExperimentalTestApi::class)
class ScreensUiTest {
    private fun ComposeUiTest.touchTargetsAreLargeEnough() {
        val min = with(density) { MinTouch.toPx() } - 0.5f
        for (node in onAllNodes(hasClickAction()).fetchSemanticsNodes()) {
            val b = node.boundsInRoot
            assertTrue(b.width >= min && b.height >= min, "a touch target of ${b.width}x${b.height} px: ${node.config}")
        }
    }

    @Test
    fun enrollmentSendsTheCodeAndNameOnlyWhenBothAreFilled() = runDesktopComposeUiTest {
        var sent: EnrollState? = null
        setContent {
            var state by remember { mutableStateOf(EnrollState()) }
            LianjianTheme { EnrollScreen(state, { state = state.copy(code = it) }, { state = state.copy(deviceName = it) }, { sent = state }) }
        }
        onNodeWithTag("submit").assertIsNotEnabled()
        onNodeWithTag("code").performTextInput("7K4M-Q2XD-9PLA")
        onNodeWithTag("submit").assertIsNotEnabled()
        onNodeWithTag("device").performTextInput("王建军的平板")
        onNodeWithTag("submit").assertIsEnabled().performClick()
        assertEquals(EnrollState(code = "7K4M-Q2XD-9PLA", deviceName = "王建军的平板"), sent)
        touchTargetsAreLargeEnough()
    }

    @Test
    fun theTaskListOpensATaskAndShowsItsEmptyAndErrorStates() = runDesktopComposeUiTest {
        val opened = mutableListOf<TaskRow>()
        var retried = 0
        var lookups = 0
        var state by mutableStateOf(Samples.tasks)
        setContent { LianjianTheme { TasksScreen(state, { opened += it }, { lookups++ }, {}, { retried++ }) } }
        onNodeWithText("已逾期", substring = true).assertIsDisplayed()
        onNodeWithText(Strings.conflicts(2)).assertIsDisplayed()
        onNodeWithTag("task-t1").performClick()
        assertEquals(listOf("t1"), opened.map { it.id })
        onNodeWithTag("lookup").performClick()
        assertEquals(1, lookups)
        touchTargetsAreLargeEnough()
        state = TasksState()
        onNodeWithText(Strings.tasksEmpty).assertIsDisplayed()
        state = TasksState(error = "本机数据库无法打开")
        onNodeWithText(Strings.retry).performClick()
        assertEquals(1, retried)
    }

    @Test
    fun lookupSearchesByCreditCodeAndStartsAnInspectionFromTheDossier() = runDesktopComposeUiTest {
        var submitted: String? = null
        var started = 0
        setContent {
            var state by remember { mutableStateOf(LookupState()) }
            LianjianTheme {
                LookupScreen(state, { state = state.copy(query = it) }, {
                    submitted = state.query
                    state = Samples.lookup.copy(query = state.query)
                }, {}, { started++ })
            }
        }
        onNodeWithTag("submit").assertIsNotEnabled()
        val code = Samples.enterprise(0)["credit_code"].asText()
        onNodeWithTag("query").performTextInput(code)
        onNodeWithTag("submit").performClick()
        assertEquals(code, submitted)
        onNodeWithText(Samples.enterprise(0)["name"].asText()).assertIsDisplayed()
        onNodeWithText("${Strings.openHazards}（2）").assertIsDisplayed()
        onNodeWithTag("start").performClick()
        assertEquals(1, started)
        touchTargetsAreLargeEnough()
    }

    @Test
    fun anAnswerShowsItsVerdictAndAFindingIsAddedWithItsGrade() = runDesktopComposeUiTest {
        val answers = mutableListOf<Pair<String, Answer>>()
        var added = 0
        setContent {
            var state by remember { mutableStateOf(Samples.inspection) }
            LianjianTheme {
                InspectionScreen(
                    state,
                    onAnswer = { item, a ->
                        answers += item.code to a
                        state = state.copy(sections = state.sections.map { s ->
                            s.copy(items = s.items.map { if (it.code == item.code) it.copy(answer = a, verdict = if (a == Answer.No) "不符合，应记录隐患" else a.label, verdictBad = a == Answer.No) else it })
                        })
                    },
                    onMeasured = { _, _ -> },
                    onDraft = { state = state.copy(draft = it) },
                    onAddFinding = { added++ },
                    onRetry = {},
                )
            }
        }
        val first = Samples.inspection.sections[0].items[2].code
        onNodeWithTag("answer-$first-No").performClick()
        assertEquals(listOf(first to Answer.No), answers)
        onNodeWithTag("verdict-$first").assertTextContains("不符合", substring = true)
        val list = onNode(hasScrollToNodeAction())
        list.performScrollToNode(hasTestTag("finding-description"))
        onNodeWithTag("finding-description").performTextInput("消防通道堆放杂物")
        list.performScrollToNode(hasTestTag("add-finding"))
        onNodeWithTag("add-finding").assertIsNotEnabled()
        list.performScrollToNode(hasTestTag("grade-三级"))
        onNodeWithTag("grade-三级").performClick()
        list.performScrollToNode(hasTestTag("add-finding"))
        onNodeWithTag("add-finding").assertIsEnabled().performClick()
        assertEquals(1, added)
        list.performScrollToNode(hasTestTag("finding-f1"))
        onNode(hasAnyAncestor(hasTestTag("finding-f1")) and hasText(Strings.provisional, substring = true)).assertIsDisplayed()
    }

    @Test
    fun syncShowsTheRefusedChangeWithWhatToDoAndSyncsOnATap() = runDesktopComposeUiTest {
        var syncs = 0
        setContent { LianjianTheme { SyncScreen(Samples.sync) { syncs++ } } }
        onNodeWithTag("last-sync").assertTextContains("2026-12-04 09:42", substring = true)
        onNodeWithText("只有检查组长可以延长整改期限").assertIsDisplayed()
        onNodeWithText("处理办法", substring = true).assertIsDisplayed()
        onNodeWithTag("sync-now").performClick()
        assertEquals(1, syncs)
        touchTargetsAreLargeEnough()
    }

    @Test
    fun theSignerWritesOnThePadAndARefusalNeedsAReasonAndTwoWitnesses() = runDesktopComposeUiTest {
        val pen = mutableListOf<String>()
        var signed = 0
        var refused: Pair<String, Set<String>>? = null
        setContent {
            var state by remember { mutableStateOf(Samples.signing.copy(strokes = emptyList())) }
            LianjianTheme {
                SigningScreen(
                    state,
                    onPenDown = { x, y, _, _ -> pen += "down"; state = state.copy(strokes = state.strokes + listOf(listOf(PadPoint(x, y)))) },
                    onPenMove = { x, y, _, _ -> pen += "move"; state = state.copy(strokes = state.strokes.dropLast(1) + listOf(state.strokes.last() + PadPoint(x, y))) },
                    onClear = { state = state.copy(strokes = emptyList()) },
                    onSignerName = { state = state.copy(signerName = it) },
                    onSign = { signed++ },
                    onRefusing = { state = state.copy(refusing = it) },
                    onReason = { state = state.copy(refusalReason = it) },
                    onWitness = { w -> state = state.copy(witnesses = if (w in state.witnesses) state.witnesses - w else state.witnesses + w) },
                    onSubmitRefusal = { refused = state.refusalReason to state.witnesses },
                )
            }
        }
        onNodeWithTag("sign").assertIsNotEnabled()
        onNodeWithTag("pad").performTouchInput { down(centerLeft + Offset(20f, 0f)); moveTo(center); moveTo(centerRight - Offset(20f, 0f)); up() }
        assertEquals("down", pen.first())
        assertTrue(pen.count { it == "move" } >= 2, "$pen")
        onNodeWithTag("sign").assertIsEnabled().performClick()
        assertEquals(1, signed)
        onNodeWithTag("clear").performClick()
        onNodeWithTag("sign").assertIsNotEnabled()
        // 拒签: a reason and exactly two officers.
        onNodeWithTag("refusing").performClick()
        onNodeWithTag("reason").performTextInput("对隐患等级有异议")
        onNodeWithTag("submit-refusal").assertIsNotEnabled()
        onNodeWithTag("witness-王建军").performClick()
        onNodeWithTag("submit-refusal").assertIsNotEnabled()
        onNodeWithTag("witness-李红梅").performClick()
        onNodeWithTag("submit-refusal").assertIsEnabled().performClick()
        assertEquals("对隐患等级有异议" to setOf("王建军", "李红梅"), refused)
        touchTargetsAreLargeEnough()
    }

    @Test
    fun theLeadKeepsOneValueOfAConflictAndAMemberOnlySeesThem() = runDesktopComposeUiTest {
        val kept = mutableListOf<String>()
        var state by mutableStateOf(Samples.conflicts)
        setContent { LianjianTheme { ConflictsScreen(state, { c, choice -> kept += "${c.id}=${choice.value}" }, {}) } }
        onNodeWithText("李红梅 · 2026-12-04 09:15").assertIsDisplayed()
        onNodeWithTag("keep-c1-1").performClick()
        assertEquals(listOf("c1=二级"), kept)
        touchTargetsAreLargeEnough()
        state = state.copy(mayResolve = false)
        onNodeWithText(Strings.conflictsLeadOnly).assertIsDisplayed()
        assertTrue(onAllNodes(hasTestTag("keep-c1-0")).fetchSemanticsNodes().isEmpty())
    }

    @Test
    fun evidenceShowsItsFlagsAndTakesAPhoto() = runDesktopComposeUiTest {
        var photos = 0
        setContent { LianjianTheme { EvidenceScreen(Samples.evidence, ::thumbnail) { photos++ } } }
        onNodeWithText("⚠ 拍摄时间与检查时间相差 3 天").assertIsDisplayed()
        onNodeWithText(Strings.audio).assertIsDisplayed()
        onNodeWithTag("take-photo").performClick()
        assertEquals(1, photos)
        touchTargetsAreLargeEnough()
    }

    @Test
    fun aDocumentShowsItsNumberAndPageAndPrints() = runDesktopComposeUiTest {
        var printed = 0
        setContent { LianjianTheme { DocumentScreen(Samples.document, ::thumbnail) { printed++ } } }
        onNodeWithTag("number").assertTextContains("咸安应急责改〔2026〕17号", substring = true)
        onNodeWithTag("page").assertExists()
        onNodeWithText(Strings.numbersLow(3)).assertIsDisplayed()
        onNodeWithTag("print").performClick()
        assertEquals(1, printed)
        touchTargetsAreLargeEnough()
    }

    @Test
    fun theEnterpriseSubmitsAReportOnlyWhenItIsComplete() = runDesktopComposeUiTest {
        var submitted: RectificationState? = null
        setContent {
            var state by remember { mutableStateOf(RectificationState(hazard = "储罐区防火堤破损", hazardFacts = "二级 · 期限 2026-12-11")) }
            LianjianTheme {
                RectificationScreen(state, ::thumbnail, { state = state.copy(measures = it) }, { state = state.copy(responsible = it) },
                    { state = state.copy(completedOn = it) }, {}, { state = state.copy(requestsReinspection = it) }) { submitted = state }
            }
        }
        onNodeWithTag("submit-report").assertIsNotEnabled()
        onNodeWithTag("measures").performTextInput("已修补防火堤")
        onNodeWithTag("responsible").performTextInput("袁海燕")
        onNodeWithTag("submit-report").assertIsNotEnabled()
        onNodeWithTag("completed-on").performTextInput("2026-12-09")
        onNodeWithTag("request-reinspection").performClick()
        onNodeWithTag("submit-report").assertIsEnabled().performClick()
        assertEquals(Triple("已修补防火堤", "2026-12-09", false), submitted!!.let { Triple(it.measures, it.completedOn, it.requestsReinspection) })
    }

    @Test
    fun theOfficerAcceptsOrSendsBackWithAReasonAndADeadline() = runDesktopComposeUiTest {
        val actions = mutableListOf<String>()
        setContent {
            var state by remember { mutableStateOf(Samples.review) }
            LianjianTheme {
                ReviewScreen(state, ::thumbnail, { state = state.copy(returnReason = it) }, { state = state.copy(newDeadline = it) },
                    { actions += "accept" }) { actions += "back:${state.returnReason}:${state.newDeadline}" }
            }
        }
        onNodeWithText(Strings.before).assertExists()
        onNodeWithTag("send-back").assertIsNotEnabled()
        onNodeWithTag("return-reason").performTextInput("照片未拍到全貌")
        onNodeWithTag("new-deadline").performTextInput("2026-12-16")
        onNodeWithTag("send-back").assertIsEnabled().performClick()
        onNodeWithTag("accept").performClick()
        assertEquals(listOf("back:照片未拍到全貌:2026-12-16", "accept"), actions)
        touchTargetsAreLargeEnough()
    }
}
