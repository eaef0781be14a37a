package cn.lianjian.android.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import cn.lianjian.android.LianjianApp
import cn.lianjian.app.InspectionRepository
import cn.lianjian.app.InspectionViewModel
import cn.lianjian.app.SyncState
import cn.lianjian.core.ApiException
import cn.lianjian.core.ConflictInfo
import cn.lianjian.core.EnterpriseInfo
import cn.lianjian.core.FindingInfo
import cn.lianjian.core.FindingInput
import cn.lianjian.core.RefusalInfo
import cn.lianjian.core.TaskSummary
import kotlinx.coroutines.launch

/** 设备登记: the one-time code from the office. */
@Composable
fun EnrollScreen(app: LianjianApp, onDone: () -> Unit) {
    var code by remember { mutableStateOf("") }
    var name by remember { mutableStateOf("") }
    var error by remember { mutableStateOf<String?>(null) }
    val scope = rememberCoroutineScope()
    Column(Modifier.padding(16.dp)) {
        Text("设备登记")
        OutlinedTextField(code, { code = it }, label = { Text("登记码") })
        OutlinedTextField(name, { name = it }, label = { Text("姓名") })
        error?.let { Text(it) }
        Button(onClick = {
            scope.launch {
                try {
                    app.token = app.repository.enroll(code, android.os.Build.MODEL, name).token
                    onDone()
                } catch (e: ApiException.Unauthorized) {
                    error = "登记码无效或已使用"
                } catch (e: ApiException.Network) {
                    error = "网络不可用，请稍后重试"
                }
            }
        }) { Text("登记") }
    }
}

/** 我的任务. */
@Composable
fun TasksScreen(repository: InspectionRepository, onOpen: (String) -> Unit, onLookup: () -> Unit, onSync: () -> Unit) {
    var tasks by remember { mutableStateOf<List<TaskSummary>>(emptyList()) }
    LaunchedEffect(Unit) {
        tasks = repository.tasks()
        repository.changes.collect { tasks = repository.tasks() }
    }
    Column(Modifier.padding(16.dp)) {
        Row {
            Button(onClick = onLookup) { Text("查企业") }
            Spacer(Modifier.padding(4.dp))
            Button(onClick = onSync) { Text("同步") }
        }
        LazyColumn {
            items(tasks) { t ->
                Text("${t.enterpriseName} · ${t.status}" + if (t.conflicts > 0) " · ${t.conflicts}处冲突" else "",
                    Modifier.fillMaxWidth().clickable { onOpen(t.inspectionId) }.padding(vertical = 12.dp))
            }
        }
    }
}

/** 企业查询: QR scan (QrScanner) or typed code, showing the file and open hazards offline. */
@Composable
fun EnterpriseScreen(repository: InspectionRepository) {
    var query by remember { mutableStateOf("") }
    var enterprise by remember { mutableStateOf<EnterpriseInfo?>(null) }
    var error by remember { mutableStateOf<String?>(null) }
    val scope = rememberCoroutineScope()
    val lookup: (String) -> Unit = { text ->
        scope.launch {
            try {
                enterprise = repository.findEnterprise(text); error = null
            } catch (e: ApiException.Validation) {
                error = "统一社会信用代码无效"
            } catch (e: ApiException.NotFound) {
                error = "本机无此企业档案，请同步后再试"
            }
        }
    }
    Column(Modifier.padding(16.dp)) {
        QrScanner(onScanned = lookup, modifier = Modifier.fillMaxWidth().height(240.dp))
        OutlinedTextField(query, { query = it }, label = { Text("统一社会信用代码") })
        Button(onClick = { lookup(query) }) { Text("查询") }
        error?.let { Text(it) }
        enterprise?.let { e ->
            Text(e.name)
            Text("${e.creditCode} · ${e.grid} · 风险等级 ${e.riskLabel}")
            Text(e.address)
        }
    }
}

/** 检查: findings with grade and computed deadline; measurements live in ChecklistSection. */
@Composable
fun InspectionScreenUi(repository: InspectionRepository, id: String, onConflicts: () -> Unit) {
    val scope = rememberCoroutineScope()
    val model = remember(id) { InspectionViewModel(repository, id, scope) }
    val state by model.state.collectAsState()
    var description by remember { mutableStateOf("") }
    var grade by remember { mutableStateOf("三级") }
    LaunchedEffect(id) { model.refresh() }
    Column(Modifier.padding(16.dp)) {
        state.header?.let { Text("${it.enterpriseName} · ${it.statusLabel}") }
        if (state.conflicts.isNotEmpty()) Button(onClick = onConflicts) { Text("${state.conflicts.size}处冲突待处理") }
        ChecklistSection(repository, id, state.header?.checklists ?: emptyList())
        OutlinedTextField(description, { description = it }, label = { Text("隐患描述") })
        OutlinedTextField(grade, { grade = it }, label = { Text("隐患等级") },
            isError = state.error?.first == "grade", supportingText = { state.error?.takeIf { it.first == "grade" }?.let { Text(it.second) } })
        Button(onClick = { scope.launch { model.addFinding(FindingInput(description, "", null, grade, "限期整改")) } }) { Text("记录隐患") }
        LazyColumn { items(state.findings) { f: FindingInfo -> Text("${f.description} · ${f.grade} · 整改期限 ${f.deadline}${if (f.deadlineProvisional != null) "（暂定）" else ""}") } }
    }
}

/** 冲突处理: both values, who wrote them and when; the lead chooses. */
@Composable
fun ConflictsScreen(repository: InspectionRepository, id: String) {
    val scope = rememberCoroutineScope()
    var conflicts by remember { mutableStateOf<List<ConflictInfo>>(emptyList()) }
    LaunchedEffect(id) { conflicts = repository.conflicts(id) }
    LazyColumn(Modifier.padding(16.dp)) {
        items(conflicts) { c ->
            Text("${c.field}：")
            c.candidates.forEach { cand ->
                Button(onClick = { scope.launch { repository.resolve(id, c, cand.value); conflicts = repository.conflicts(id) } }) {
                    Text("${cand.value}（${cand.author ?: "未知"} ${cand.at ?: ""}）")
                }
            }
        }
    }
}

/** 同步状态. */
@Composable
fun SyncScreen(app: LianjianApp) {
    val state by app.repository.syncState.collectAsState()
    val scope = rememberCoroutineScope()
    var refusals by remember { mutableStateOf<List<RefusalInfo>>(emptyList()) }
    LaunchedEffect(state) { refusals = app.repository.refusals() }
    Column(Modifier.padding(16.dp)) {
        when (val s = state) {
            SyncState.Idle -> Text("未同步")
            is SyncState.Running -> {
                val p = s.progress
                Text(if (p == null) "正在连接…" else "文档 ${p.documentsDone}/${p.documentsTotal}，已发送 ${p.bytesSent} 字节")
                LinearProgressIndicator()
            }
            is SyncState.Done -> Text("同步完成：${s.report.changed.size} 份文档有更新" +
                if (s.report.rejected.isNotEmpty()) "，${s.report.rejected.size} 份被服务器拒绝" else "")
            is SyncState.Failed -> Text(if (s.reenroll) "设备已停用，请重新登记" else "同步失败（${s.message}），联网后自动重试")
        }
        Button(onClick = { app.token?.let { t -> scope.launch { runCatching { app.repository.sync(t) } } } }) { Text("立即同步") }
        Button(onClick = { app.repository.interruptSync() }) { Text("停止") }
        if (refusals.isNotEmpty()) Text("被服务器拒绝的修改（已另存，不会重复发送）：")
        LazyColumn {
            items(refusals) { r ->
                Text("${r.record}：${r.reason}")
                Text("${r.at}，另存 ${r.setAside} 项修改", style = MaterialTheme.typography.bodySmall)
            }
        }
    }
}
