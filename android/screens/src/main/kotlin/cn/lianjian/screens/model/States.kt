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
