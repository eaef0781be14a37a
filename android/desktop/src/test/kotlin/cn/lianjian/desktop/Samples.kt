package cn.lianjian.desktop

import cn.lianjian.screens.model.Answer
import cn.lianjian.screens.model.ConflictChoice
import cn.lianjian.screens.model.DocumentState
import cn.lianjian.screens.model.PhotoPairRow
import cn.lianjian.screens.model.RectificationState
import cn.lianjian.screens.model.ReviewState
import cn.lianjian.screens.model.ConflictRow
import cn.lianjian.screens.model.ConflictsState
import cn.lianjian.screens.model.EvidenceRow
import cn.lianjian.screens.model.EvidenceState
import cn.lianjian.screens.model.PadPoint
import cn.lianjian.screens.model.SigningState
import cn.lianjian.screens.model.SigningStep
import cn.lianjian.screens.model.EnrollState
import cn.lianjian.screens.model.EnterpriseCard
import cn.lianjian.screens.model.FindingDraft
import cn.lianjian.screens.model.FindingRow
import cn.lianjian.screens.model.HazardLine
import cn.lianjian.screens.model.InspectionState
import cn.lianjian.screens.model.ItemState
import cn.lianjian.screens.model.LookupState
import cn.lianjian.screens.model.RefusedRow
import cn.lianjian.screens.model.SectionState
import cn.lianjian.screens.model.SyncStatusState
import cn.lianjian.screens.model.TaskRow
import cn.lianjian.screens.model.TasksState
import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.dataformat.toml.TomlMapper
import java.io.File

/** Screen states made from the project's fixtures (enterprises, a checklist), for renders and UI tests. */
object Samples {
    private val root = File(System.getProperty("lianjian.root") ?: "../..")
    private val enterprises: JsonNode = ObjectMapper().readTree(File(root, "fixtures/enterprises.json"))
    private val checklist: JsonNode = TomlMapper().readTree(File(root, "fixtures/checklists/hazardous_chemicals.toml"))

    private val risk = mapOf("red" to "红", "orange" to "橙", "yellow" to "黄", "blue" to "蓝")

    /** The n-th enterprise of the fixtures. */
    fun enterprise(n: Int): JsonNode = enterprises[n]

    val enroll = EnrollState(code = "7K4M-Q2XD-9PLA", deviceName = "王建军的平板")
    val enrollError = enroll.copy(error = "登记码无效或已使用，请向联检办重新申领")

    val tasks = TasksState(
        who = "王建军 · 应急管理局 · 检查组长",
        tasks = (0 until 5).map { i ->
            val e = enterprise(i)
            TaskRow(
                id = "t$i",
                title = listOf("现场检查（双随机抽查）", "复查：储罐区可燃气体报警仪未定期检定", "现场检查", "复查：消防通道堆放杂物", "整改报告待审核")[i],
                enterprise = e["name"].asText(),
                due = listOf("2026-12-08", "2026-12-01", "2026-12-15", "2026-12-04", "2026-12-10")[i],
                overdue = i == 1,
                conflicts = if (i == 2) 2 else 0,
            )
        },
    )

    fun card(n: Int): EnterpriseCard {
        val e = enterprise(n)
        val rp = e["responsible_person"]
        return EnterpriseCard(
            name = e["name"].asText(),
            creditCode = e["credit_code"].asText(),
            address = e["address"].asText(),
            grid = e["grid"].asText(),
            risk = risk.getValue(e["risk"].asText()),
            responsible = "${rp["name"].asText()}（${rp["position"].asText()}） ${rp["phone"].asText()}",
            openHazards = listOf(
                HazardLine("储罐区可燃气体报警仪未定期检定", "二级", "2026-12-01", overdue = true),
                HazardLine("特殊作业票填写不完整，缺少监护人签字", "三级", "2026-12-20"),
            ),
            lastInspections = listOf("2026-11-02 · 现场检查 · 2 处隐患", "2026-06-18 · 双随机抽查 · 无隐患"),
        )
    }

    val lookup = LookupState(query = enterprise(0)["credit_code"].asText(), enterprise = card(0))
    val lookupMissing = LookupState(query = "91421202MA49XXXX0Q", error = "本机无此企业档案，请同步后再试")

    /** The first two sections of the fixture checklist, answered part way. */
    val inspection: InspectionState
        get() {
            val sections = checklist["sections"].take(2).mapIndexed { s, section ->
                SectionState(
                    title = section["title"].asText(),
                    items = section["items"].take(3).mapIndexed { i, item ->
                        val basis = item["legal_basis"]
                        val answer = if (s == 0) listOf(Answer.Yes, Answer.No, null)[i] else null
                        ItemState(
                            code = item["code"].asText(),
                            text = item["text"].asText(),
                            basis = "${basis["law"].asText()} ${basis["article"].asText()}",
                            answer = answer,
                            verdict = when (answer) { Answer.Yes -> "符合"; Answer.No -> "不符合，应记录隐患"; else -> null },
                            verdictBad = answer == Answer.No,
                        )
                    },
                )
            }
            return InspectionState(
                enterprise = enterprise(0)["name"].asText(),
                status = "进行中 · ${checklist["title"].asText()} 第${checklist["version"].asInt()}版",
                sections = sections,
                findings = listOf(
                    FindingRow("f1", "特种作业人员（电工）1 人无有效证件上岗", "一级", "2026-12-11", provisional = true, major = true),
                    FindingRow("f2", "应急器材柜内空气呼吸器气瓶压力不足", "三级", "2026-12-19"),
                ),
                grades = listOf("一级", "二级", "三级"),
                draft = FindingDraft(description = "", grade = "", due = ""),
            )
        }

    val sync = SyncStatusState(
        lastSync = "2026-12-04 09:42",
        summary = "上传 3 份文档、2 张照片；下载 12 份",
        refused = listOf(
            RefusedRow("r1", "修改隐患整改期限（咸宁市鑫源化工有限公司）", "只有检查组长可以延长整改期限", "请组长在其设备上修改，或撤回本机的修改"),
        ),
    )
    val syncFailed = SyncStatusState(lastSync = "2026-12-03 18:10", error = "网络不可用，修改已保存在本机，恢复网络后会自动同步")

    /** A signature-like scribble: two strokes across the pad. */
    private val scribble = listOf(
        (0..40).map { i -> PadPoint(40f + i * 6f, 90f + 30f * kotlin.math.sin(i / 4.0).toFloat(), 0.6f) },
        (0..20).map { i -> PadPoint(120f + i * 8f, 60f + i * 2.5f, 0.8f) },
    )

    val signing = SigningState(
        record = "现场检查记录",
        steps = listOf(SigningStep("检查人员", true), SigningStep("企业主要负责人", false, "待签字")),
        signer = "企业主要负责人",
        signerName = enterprise(0)["responsible_person"]["name"].asText(),
        strokes = scribble,
        mayRefuse = true,
        officers = listOf("王建军", "李红梅", "刘海燕"),
    )
    val signingRefusal = signing.copy(
        strokes = emptyList(), refusing = true, refusalReason = "对隐患等级有异议，拒绝签字", witnesses = setOf("王建军", "李红梅"),
    )

    val team = cn.lianjian.screens.model.TeamState(
        enterprise = "咸宁市安达化工有限公司",
        members = listOf(
            cn.lianjian.screens.model.TeamMemberRow("0190f0a0-0000-7000-8000-000000000001", "王建军", "emergency_management", "42120001", lead = true),
            cn.lianjian.screens.model.TeamMemberRow("0190f0a0-0000-7000-8000-000000000002", "李红梅", "fire_rescue", null),
        ),
        verdict = "执法检查须有两名以上持执法证的执法人员（现有 1 名）",
        draftName = "刘海燕",
        draftPerson = "0190f0a0-0000-7000-8000-000000000003",
        draftCertificate = "42120003",
        draftDepartment = "fire_rescue",
    )

    val conflicts = ConflictsState(
        mayResolve = true,
        conflicts = listOf(
            ConflictRow("c1", "隐患等级：储罐区防火堤破损", listOf(
                ConflictChoice("一级", "王建军", "2026-12-04 09:12"), ConflictChoice("二级", "李红梅", "2026-12-04 09:15"))),
            ConflictRow("c2", "整改期限：安全出口堵塞", listOf(
                ConflictChoice("2026-12-11", "王建军", "2026-12-04 09:20"), ConflictChoice("2026-12-06", "刘海燕", "2026-12-04 09:31"))),
        ),
    )

    /** Photos from fixtures/photos, by name, and a page the document engine rendered (docs/documents). */
    val photos: Map<String, File> = listOf("site-12mp.jpg", "site-again.jpg", "other-scene.jpg").associateWith { File(root, "fixtures/photos/$it") } +
        mapOf("order-page-1.png" to File(root, "docs/documents/3-责令限期整改指令书-1.png"))

    val document = DocumentState(
        title = "责令限期整改指令书", number = "咸安应急责改〔2026〕17号", pages = 2, preview = "order-page-1.png",
        numbersLow = true, numbersLeft = 3,
    )

    private val pairs = listOf(PhotoPairRow("site-12mp.jpg", "site-again.jpg", "储罐区东侧防火堤"))

    val rectification = RectificationState(
        hazard = "储罐区防火堤破损", hazardFacts = "二级 · 期限 2026-12-11",
        returnedReason = "整改后照片未拍到防火堤全貌",
        measures = "已用C30混凝土修补防火堤破损处并养护7天，修补后做了闭水试验无渗漏。",
        responsible = enterprise(0)["responsible_person"]["name"].asText(), completedOn = "2026-12-09", photos = pairs,
    )

    val review = ReviewState(
        hazard = "储罐区防火堤破损", enterprise = enterprise(0)["name"].asText(),
        submitted = "2026-12-09 15:20 · ${enterprise(0)["responsible_person"]["name"].asText()}",
        measures = rectification.measures, responsible = rectification.responsible, photos = pairs,
    )

    val evidence = EvidenceState(
        target = "隐患：储罐区可燃气体报警仪未定期检定",
        items = listOf(
            EvidenceRow("e1", "site-12mp.jpg", "隐患照片 · 2026-12-04 09:41 · 王建军"),
            EvidenceRow("e2", "other-scene.jpg", "隐患照片 · 2026-12-01 16:02 · 李红梅", flags = listOf("拍摄时间与检查时间相差 3 天", "照片不含拍摄位置")),
            EvidenceRow("e3", null, "现场录音 · 2026-12-04 09:50 · 王建军", audio = true),
        ),
    )
}
