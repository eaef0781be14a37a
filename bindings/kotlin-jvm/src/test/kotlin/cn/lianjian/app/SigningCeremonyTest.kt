package cn.lianjian.app

import cn.lianjian.core.ApiException
import cn.lianjian.core.ChecklistKey
import cn.lianjian.core.EvidenceTargetInput
import cn.lianjian.core.FindingInput
import cn.lianjian.core.InspectionDraft
import cn.lianjian.core.LianjianStore
import cn.lianjian.core.PhotoProcessor
import cn.lianjian.core.SignatureInfo
import cn.lianjian.core.SignatureStatusInfo
import cn.lianjian.core.SignerInput
import cn.lianjian.core.StrokeInput
import cn.lianjian.core.StrokePointInput
import cn.lianjian.core.SyncEngine
import cn.lianjian.core.TeamMemberInfo
import cn.lianjian.core.UserInfo
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.nio.file.Path
import java.security.MessageDigest
import kotlin.math.sin

/**
 * Evidence and the complete signing ceremony from Kotlin, as the Android
 * shell drives it: a camera photo with flags, the responsible person's and
 * two inspectors' signatures, a refusal (拒签) signed by two inspectors, and
 * a tampering matrix in which every forged signature package is detected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SigningCeremonyTest {
    private lateinit var server: TestServer
    private val root get() = File(System.getProperty("lianjian.root"))
    private val font = System.getenv("LIANJIAN_CJK_FONT") ?: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

    @BeforeAll
    fun start() {
        server = TestServer()
    }

    @AfterAll
    fun stop() = server.close()

    private fun sha256(bytes: ByteArray) = MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

    /** What the signature pad records: three strokes of thirty points. */
    private fun handwriting(seed: Int) = (0 until 3).map { s ->
        StrokeInput((0 until 30).map { i ->
            StrokePointInput(30f + s * 110 + i * 3, 80f + (sin((i + seed + s) / 2.0) * 45).toFloat(), (s * 700 + i * 9).toUInt(), 0.5f)
        })
    }

    /** The same handwriting, written on the shared pad model as the Compose pad feeds it. */
    private fun pad(seed: Int) = SignaturePadModel(400f, 160f).apply {
        for (stroke in handwriting(seed)) {
            stroke.points.forEachIndexed { i, p ->
                val at = 1_000_000L + p.t.toLong()
                if (i == 0) down(p.x, p.y, at, p.pressure) else move(p.x, p.y, at, p.pressure)
            }
        }
    }

    private fun kind(status: SignatureStatusInfo) = when (status) {
        is SignatureStatusInfo.Valid -> "valid"
        is SignatureStatusInfo.ChangedAfterSigning -> "changed"
        is SignatureStatusInfo.Invalid -> "invalid"
    }

    @Test
    fun evidenceAndTheSigningCeremony(@TempDir dir: Path) = runBlocking {
        val leadUser = server.user("检查组组长")
        val memberUser = server.user("检查人员")
        val store = LianjianStore.openWithClock(File(dir.toFile(), "tablet.db").path, FixedClock("2026-04-20T09:00:00+08:00"))
        val engine = SyncEngine(server.url)
        val enrolled = engine.enroll(store, leadUser.code, "平板")
        store.signIn(UserInfo(enrolled.userId, leadUser.name, enrolled.role))
        engine.sync(store, enrolled.token, null)
        val ent = store.searchEnterprises("鑫源化工", 1u)[0]
        val checklist = store.latestChecklists(ent.industry)[0]
        val team = listOf(
            TeamMemberInfo(leadUser.userId, leadUser.name, "emergency_management", "lead", "42120001", listOf(ent.industry)),
            TeamMemberInfo(memberUser.userId, memberUser.name, "fire_rescue", "inspector", "42120002", listOf(ent.industry)),
        )
        val draft = InspectionDraft(ent.id, listOf(ChecklistKey(checklist.id, checklist.version)), team, "2026-03-18T08:30:00+08:00")
        val id = store.createInspection(draft)
        store.setInspectionStatus(id, "in_progress")
        val finding = store.addFinding(id, FindingInput("储罐区防静电接地线断开", "储罐区", null, "二级", "立即修复接地"))

        // The camera's photo: kept byte for byte, copies made, flags shown.
        val photo = File(root, "fixtures/photos/site-12mp.jpg")
        val processor = PhotoProcessor(font, 2u)
        val target = EvidenceTargetInput.Finding(finding.id)
        val ev = store.ingestPhoto(id, target, "hazard", photo.path, processor)
        assertEquals(sha256(photo.readBytes()), ev.sha256)
        assertEquals(6.toUByte(), ev.orientation)
        assertArrayEquals(photo.readBytes(), File(store.blobPath(ev.sha256)).readBytes())
        assertTrue(ev.flags.any { it.kind == "time_far_from_inspection" }, "${ev.flags}")
        assertThrows<ApiException.InvalidEvidence> {
            store.ingestPhoto(id, target, "hazard", File(root, "fixtures/photos/bad/bomb-50000.png").path, processor)
        }
        assertEquals(1, store.evidence(id).size)
        val uploaded = engine.uploadBlobs(store, enrolled.token, null)
        assertTrue(uploaded.acked.containsAll(listOf(ev.sha256, ev.displaySha256, ev.thumbnailSha256)))

        // Presented for signature; the rules say what is missing.
        store.setInspectionStatus(id, "awaiting_signature")
        assertThrows<ApiException.Validation> { store.setInspectionStatus(id, "signed") }
        val responsible = SignerInput("袁海燕", "responsible_person", null)
        val inspectors = listOf(SignerInput(leadUser.name, "inspector", leadUser.userId), SignerInput(memberUser.name, "inspector", memberUser.userId))
        val repo = InspectionRepository(store, engine)
        assertTrue(SignaturePadModel(400f, 160f).isEmpty)
        val written = pad(1)
        assertEquals(handwriting(1), written.strokes())
        repo.sign(id, "findings", responsible, written)
        repo.refuse(id, "site_record", "企业负责人拒绝在现场检查记录上签字")
        for (record in listOf("findings", "site_record")) {
            for ((n, who) in inspectors.withIndex()) store.signRecord(id, record, who, handwriting(n + 2), 400f, 160f)
        }
        val checks = store.verifySignatures(id)
        assertEquals(5, checks.size)
        assertTrue(checks.all { kind(it.status) == "valid" }, "$checks")
        assertTrue(repo.signingState(id).all { it.complete })

        // Tampering: every forged package is detected.
        val other = store.createInspection(draft)
        val stranger = LianjianStore.open(File(dir.toFile(), "stranger.db").path).devicePublicKey()
        val sigs = checks.map { it.signature }
        var total = 0
        var detected = 0
        for ((i, s) in sigs.withIndex()) {
            val next = sigs[(i + 1) % sigs.size]
            val edited = s.snapshot.replaceFirst("储罐区", "仓库区")
            val cases: List<Pair<String, SignatureInfo>> = listOf(
                id to s.copy(snapshot = edited),
                id to s.copy(snapshot = edited, snapshotSha256 = sha256(edited.toByteArray())),
                id to s.copy(deviceSignature = next.deviceSignature),
                id to s.copy(record = if (s.record == "findings") "site_record" else "findings"),
                id to s.copy(deviceKey = stranger),
                other to s,
                other to s.copy(inspectionId = other),
            )
            for ((inspection, pkg) in cases) {
                total++
                if (kind(store.verifySignaturePackage(inspection, pkg)) == "invalid") detected++
            }
        }
        assertEquals(35, total)
        assertEquals(total, detected, "$detected of $total forgeries detected")

        // Reopened and changed after signing: reported, with what changed,
        // and the record must be signed again before it is final.
        store.setInspectionStatus(id, "in_progress")
        store.setFindingGrade(id, finding.id, "一级", "stop_using_equipment")
        store.setInspectionStatus(id, "awaiting_signature")
        val after = store.verifySignatures(id).filter { it.signature.record == "findings" }
        val changed = after.map { it.status }.filterIsInstance<SignatureStatusInfo.ChangedAfterSigning>()
        assertEquals(after.size, changed.size)
        assertTrue(changed[0].changes.any { it.description.contains("隐患等级 由「二级」改为「一级」") }, "${changed[0].changes}")
        val refused = assertThrows<ApiException.Validation> { store.setInspectionStatus(id, "signed") }
        assertTrue(refused.message!!.contains("需重新签字"), refused.message)
        store.signRecord(id, "findings", responsible, handwriting(5), 400f, 160f)
        for (record in listOf("findings", "site_record")) {
            for ((n, who) in inspectors.withIndex()) store.signRecord(id, record, who, handwriting(n + 6), 400f, 160f)
        }
        store.setInspectionStatus(id, "signed")
        assertEquals("已签字", store.openInspection(id).statusLabel)
    }
}
