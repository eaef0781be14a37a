package cn.lianjian.screens.model

/*
 * What each shared screen shows, as plain Kotlin (no Compose): the screens
 * in cn.lianjian.screens draw these, and android/shared maps the core's
 * records onto them, so the Android routes, the desktop window and the
 * Kotlin tests on the JVM build the same states.
 */

/** What the enrollment screen shows. */
data class EnrollState(
    val code: String = "",
    val deviceName: String = "",
    val busy: Boolean = false,
    /** Why the last attempt failed, in words for the officer. */
    val error: String? = null,
)

/** One task in the list: what the core's task list says, in words. */
data class TaskRow(
    val id: String,
    /** What to do, e.g. "现场检查" or "复查：消防通道堵塞". */
    val title: String,
    val enterprise: String,
    /** The deadline in force, `YYYY-MM-DD`, if there is one. */
    val due: String? = null,
    val overdue: Boolean = false,
    val conflicts: Int = 0,
)

/** What the task list shows. */
data class TasksState(
    /** Who is signed in, e.g. "王建军 · 应急管理局 · 检查组长". */
    val who: String = "",
    val tasks: List<TaskRow> = emptyList(),
    val loading: Boolean = false,
    val error: String? = null,
)

/** An open hazard in the offline dossier. */
data class HazardLine(val description: String, val grade: String, val due: String, val overdue: Boolean = false)

/** The offline dossier of one enterprise. */
data class EnterpriseCard(
    val name: String,
    val creditCode: String,
    val address: String,
    val grid: String,
    val risk: String,
    val responsible: String,
    val openHazards: List<HazardLine> = emptyList(),
    /** "2026-11-02 · 现场检查 · 3 处隐患". */
    val lastInspections: List<String> = emptyList(),
)

/** What the lookup screen shows. */
data class LookupState(
    val query: String = "",
    val busy: Boolean = false,
    val error: String? = null,
    val enterprise: EnterpriseCard? = null,
)

/** An officer's answer to a check item. */
enum class Answer(val label: String) { Yes(Strings.answerYes), No(Strings.answerNo), NotApplicable(Strings.answerNa) }

/** One check item as the core computed it. */
data class ItemState(
    val code: String,
    val text: String,
    /** The provision it implements. */
    val basis: String,
    val answer: Answer? = null,
    /** For a measured item: the limit, e.g. "≤ 25 %LEL". */
    val threshold: String? = null,
    val measured: String = "",
    /** The verdict the core computed from the answer or the measurement. */
    val verdict: String? = null,
    val verdictBad: Boolean = false,
)

/** A section of the checklist. */
data class SectionState(val title: String, val items: List<ItemState>)

/** A hazard recorded in this inspection. */
data class FindingRow(
    val id: String,
    val description: String,
    val grade: String,
    val due: String,
    /** Not yet confirmed by the team lead (待确认). */
    val provisional: Boolean = false,
    val major: Boolean = false,
)

/** The new-hazard form. */
data class FindingDraft(val description: String = "", val grade: String = "", val due: String = "")

/** What the inspection screen shows. */
data class InspectionState(
    val enterprise: String = "",
    /** "进行中 · 危险化学品企业安全生产检查表 第2版". */
    val status: String = "",
    val sections: List<SectionState> = emptyList(),
    val findings: List<FindingRow> = emptyList(),
    val grades: List<String> = emptyList(),
    val draft: FindingDraft = FindingDraft(),
    /** A refused input, shown above the new-finding form (the core's reason). */
    val error: String? = null,
    /** Fields teammates changed differently, waiting for the lead. */
    val conflicts: Int = 0,
    /** The inspection could not be read: shown instead of the screen, with a retry. */
    val loadError: String? = null,
    val loading: Boolean = false,
)

/** A change the server refused, with what the officer should do about it. */
data class RefusedRow(val id: String, val what: String, val why: String, val todo: String)

/** What the sync screen shows. */
data class SyncStatusState(
    val running: Boolean = false,
    /** 0..1 while running, if known. */
    val progress: Float? = null,
    /** When the last sync finished, or null if never. */
    val lastSync: String? = null,
    /** "上传 3 份文档、下载 12 份". */
    val summary: String? = null,
    val refused: List<RefusedRow> = emptyList(),
    /** Why the last sync failed (network, device revoked). */
    val error: String? = null,
)

/** A point of a handwritten signature, in pad units. */
data class PadPoint(val x: Float, val y: Float, val pressure: Float = 1f)

/** What a record still needs before it is complete (the core's signing state). */
data class SigningStep(val label: String, val complete: Boolean, val missing: String = "")

/** What the signing screen shows. */
data class SigningState(
    /** The record being signed, e.g. "现场检查记录". */
    val record: String = "",
    val steps: List<SigningStep> = emptyList(),
    /** Who signs now, by role, e.g. "企业主要负责人". */
    val signer: String = "",
    /** The signer's name, typed or corrected on site (printed under the signature). */
    val signerName: String = "",
    val strokes: List<List<PadPoint>> = emptyList(),
    val padWidth: Float = 400f,
    val padHeight: Float = 160f,
    /** The enterprise's responsible person may refuse (拒签). */
    val mayRefuse: Boolean = false,
    val refusing: Boolean = false,
    val refusalReason: String = "",
    /** The officers of the team who may attest a refusal. */
    val officers: List<String> = emptyList(),
    /** The two chosen to attest it. */
    val witnesses: Set<String> = emptySet(),
    val busy: Boolean = false,
    val error: String? = null,
    /** What was done, e.g. "已签字". */
    val done: String? = null,
)

/** One side of a conflict: a value, who wrote it and when. */
data class ConflictChoice(val value: String, val author: String, val at: String)

/** A field two teammates changed differently while offline. */
data class ConflictRow(val id: String, val what: String, val choices: List<ConflictChoice>)

/** What the conflicts screen shows. */
data class ConflictsState(
    val conflicts: List<ConflictRow> = emptyList(),
    /** Only the team lead resolves; others see the conflict and who to ask. */
    val mayResolve: Boolean = false,
    val loading: Boolean = false,
    val error: String? = null,
)

/** A photo or recording kept as evidence, with what the core noticed about it. */
data class EvidenceRow(
    val id: String,
    /** Where its thumbnail is on this device (PNG or JPEG), if any. */
    val thumbnail: String? = null,
    /** "隐患照片 · 2026-12-04 09:41 · 王建军". */
    val caption: String,
    /** The core's flags, e.g. "拍摄时间与检查时间相差 3 天". */
    val flags: List<String> = emptyList(),
    /** A recording (no picture to show) rather than a photo. */
    val audio: Boolean = false,
)

/** What the evidence screen shows. */
data class EvidenceState(
    /** The hazard or item the evidence is for. */
    val target: String = "",
    val items: List<EvidenceRow> = emptyList(),
    val busy: Boolean = false,
    val error: String? = null,
)

/** A document printed on this device, as the preview shows it. */
data class DocumentState(
    /** The form's name, e.g. "责令限期整改指令书". */
    val title: String = "",
    /** The number printed on it, for a numbered form. */
    val number: String? = null,
    val pages: Int = 0,
    /** Page 1 as PNG on this device. */
    val preview: String? = null,
    /** Few numbers left on this device: connect to fetch a block. */
    val numbersLow: Boolean = false,
    val numbersLeft: Int? = null,
    val busy: Boolean = false,
    val error: String? = null,
)

/** A before/after photo pair of a rectification, as paths on this device. */
data class PhotoPairRow(val before: String?, val after: String?, val caption: String = "")

/** What the enterprise's rectification report form shows. */
data class RectificationState(
    val hazard: String = "",
    /** "二级 · 期限 2026-12-11". */
    val hazardFacts: String = "",
    /** Why it was sent back last time, if it was. */
    val returnedReason: String? = null,
    val measures: String = "",
    val responsible: String = "",
    val completedOn: String = "",
    val photos: List<PhotoPairRow> = emptyList(),
    val requestsReinspection: Boolean = true,
    val busy: Boolean = false,
    val error: String? = null,
    val submitted: Boolean = false,
)

/** What the officer's review of a report shows. */
data class ReviewState(
    val hazard: String = "",
    val enterprise: String = "",
    /** "2026-12-09 15:20 · 袁海燕". */
    val submitted: String = "",
    val measures: String = "",
    val responsible: String = "",
    val photos: List<PhotoPairRow> = emptyList(),
    val returnReason: String = "",
    val newDeadline: String = "",
    val busy: Boolean = false,
    val error: String? = null,
    val done: String? = null,
)

/** A member of the team being composed. */
data class TeamMemberRow(
    val personId: String,
    val name: String,
    /** Department code (`emergency_management`, …). */
    val department: String,
    /** 执法证号; none for an expert or a member without enforcement powers. */
    val certificate: String? = null,
    val lead: Boolean = false,
)

/** What the team screen shows: the team so far, the core's verdict on it, and the member being added. */
data class TeamState(
    val enterprise: String = "",
    val members: List<TeamMemberRow> = emptyList(),
    /** Why this team may not start (the core's team rule), or null when it may. */
    val verdict: String? = null,
    val draftName: String = "",
    /** The colleague's personal code, scanned from their app or typed. */
    val draftPerson: String = "",
    val draftCertificate: String = "",
    val draftDepartment: String = "emergency_management",
    val busy: Boolean = false,
    val error: String? = null,
)
