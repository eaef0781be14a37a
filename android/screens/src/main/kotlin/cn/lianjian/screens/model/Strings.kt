package cn.lianjian.screens.model

/**
 * Every word the shared screens show, in one table: the Android routes and
 * the desktop window pass nothing else, and the SwiftUI twins use the same
 * texts (ios/Lianjian/Strings.swift mirrors this file).
 */
object Strings {
    const val appName = "联检"
    const val retry = "重试"
    const val loading = "正在加载…"
    const val back = "返回"
    const val backToTasks = "返回我的任务"

    // 设备登记
    const val enrollTitle = "设备登记"
    const val enrollHint = "输入联检办发给您的一次性登记码。登记后，本机的检查记录以您的名义签名并同步。"
    const val enrollCode = "登记码"
    const val enrollDevice = "本机名称"
    const val enrollSubmit = "登记"
    const val enrollBusy = "正在登记…"
    const val enrollRefused = "登记码无效或已使用，请向联检办重新申领"

    // 我的任务
    const val tasksTitle = "我的任务"
    const val tasksEmpty = "暂无任务。联检办派发的检查和待复查的隐患会出现在这里。"
    const val tasksLookup = "查企业"
    const val tasksUnreadable = "本机记录无法读取，请重试；若仍失败请联系联检办"
    const val tasksSync = "同步"
    const val overdue = "已逾期"
    fun dueOn(day: String) = "期限 $day"
    fun conflicts(n: Int) = "${n}处冲突待处理"

    // 检查组
    const val teamTitle = "组建检查组"
    const val teamEmpty = "尚未添加成员。执法检查须有两名以上持执法证的执法人员，其中一名为组长。"
    const val teamAdd = "添加成员"
    const val teamName = "姓名"
    const val teamPerson = "人员编码（见联检办人员名录）"
    const val teamCertificate = "执法证号（无则不填）"
    const val teamMakeLead = "设为组长"
    const val teamLead = "组长"
    const val teamRemove = "移除"
    const val teamReady = "检查组符合要求，可以开始检查"
    const val teamStart = "开始检查"
    const val teamNoCertificate = "无执法证"
    fun teamFor(enterprise: String) = "检查对象：$enterprise"
    // Department labels, as the core names them (TeamScreen maps the codes).
    const val deptEmergencyManagement = "应急管理"
    const val deptFireRescue = "消防"
    const val deptHousingConstruction = "住建"
    const val deptMarketRegulation = "市场监管"
    const val deptTransport = "交通运输"
    const val deptPublicSecurity = "公安"
    const val deptHealth = "卫健"
    const val deptNaturalResources = "自然资源"

    // 企业查询与档案
    const val lookupTitle = "企业查询"
    const val lookupHint = "扫描企业二维码，或输入统一社会信用代码"
    const val lookupCode = "统一社会信用代码"
    const val lookupSubmit = "查询"
    const val lookupScan = "扫码"
    const val lookupStart = "开始检查"
    const val lookupNone = "本机无此企业档案，请同步后再试"
    const val lookupInvalid = "统一社会信用代码无效"
    const val responsible = "主要负责人"
    const val risk = "风险等级"
    const val grid = "所属网格"
    const val openHazards = "未销号隐患"
    const val noOpenHazards = "无未销号隐患"
    const val lastInspections = "近期检查"

    // 现场检查
    const val inspectionTitle = "现场检查"
    const val answerYes = "符合"
    const val answerNo = "不符合"
    const val answerNa = "不适用"
    const val measured = "实测值"
    const val threshold = "限值"
    const val verdict = "结论"
    const val findings = "发现的隐患"
    const val noFindings = "尚未记录隐患"
    const val addFinding = "记录隐患"
    const val findingDescription = "隐患描述"
    const val findingGrade = "隐患等级"
    const val findingDue = "整改期限"
    const val provisional = "待确认"
    const val major = "重大隐患"
    const val unanswered = "未检查"
    const val present = "提交签字"

    // 同步
    const val syncTitle = "同步"
    const val syncNow = "立即同步"
    const val syncRunning = "正在同步…"
    const val syncNever = "尚未同步"
    fun syncLast(at: String) = "上次同步 $at"
    const val refusedTitle = "未被接受的修改"
    const val refusedNone = "所有修改均已被服务器接受"
    const val whatToDo = "处理办法"
    // 签字
    const val signingTitle = "签字确认"
    fun signHere(who: String) = "请${who}在下方手写签名"
    const val signerName = "签字人姓名"
    const val padRewrite = "重写"
    const val padSign = "确认签字"
    const val refuse = "企业拒签"
    const val refusalReason = "拒签理由"
    const val witnessesHint = "请选择两名执法人员在场见证并签字"
    const val submitRefusal = "记录拒签"
    const val stepDone = "已完成"
    const val signed = "已签字"
    const val responsiblePerson = "企业主要负责人"
    const val officer = "执法人员"

    // 冲突
    const val conflictsTitle = "冲突处理"
    const val conflictsNone = "没有待处理的冲突"
    const val conflictsLeadOnly = "请检查组长选择保留哪一个值"
    fun conflictBy(author: String, at: String) = "$author · $at"
    const val keepThis = "保留此值"

    // 证据
    const val evidenceTitle = "照片与录音"
    const val evidenceNone = "尚无证据。拍照后照片即保存在本机并计算指纹。"
    const val takePhoto = "拍照"
    const val noThumbnail = "缩略图尚未下载"
    const val audio = "录音"

    // 文书
    const val documentTitle = "文书预览"
    const val documents = "文书"
    const val rectificationOrder = "责令限期整改指令书"
    const val print = "打印"
    fun documentNumber(n: String) = "文号：$n"
    fun pages(n: Int) = "共 $n 页"
    fun numbersLow(left: Int?) = "本机该类文书编号仅剩 ${left ?: 0} 个，请联网领取新号段"
    const val previewMissing = "预览图尚未生成"

    // 整改
    const val rectificationTitle = "整改报告"
    const val returnedBecause = "上次退回原因"
    const val measures = "整改措施"
    const val responsibleForRectification = "整改责任人"
    const val completedOn = "完成日期"
    const val before = "整改前"
    const val after = "整改后"
    const val addPhotoPair = "添加整改前后照片"
    const val requestReinspection = "申请复查"
    const val submitReport = "提交整改报告"
    const val reportSubmitted = "整改报告已提交，等待执法人员审核"

    // 审核
    const val reviewTitle = "整改审核"
    const val accept = "通过，安排复查"
    const val sendBack = "退回补正"
    const val returnReason = "退回原因"
    const val newDeadline = "新的整改期限"
    const val reviewNoReport = "尚未收到该隐患的整改报告"
    const val reviewAccepted = "已通过，请安排复查"
    const val reviewSentBack = "已退回企业补正"

    const val syncReenroll = "本设备已被联检办停用，请重新登记"
    const val syncOffline = "网络不可用，修改已保存在本机，恢复网络后会自动同步"
    fun syncSummary(changed: Int, rejected: Int) =
        "同步完成：${changed} 份文档有更新" + if (rejected > 0) "，${rejected} 份被服务器拒绝" else ""
    fun refusedTodo(setAside: Int) = "本机已另存 ${setAside} 项修改，不会重复发送；请按原因修改后重新录入，或请组长处理"
}
