package cn.lianjian.android.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateMapOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import cn.lianjian.app.InspectionRepository
import cn.lianjian.core.AnswerInput
import cn.lianjian.core.ChecklistInfo
import cn.lianjian.core.ChecklistKey
import kotlinx.coroutines.launch

/** The checklist by section; a measurement shows its threshold and the verdict the core computed. */
@Composable
fun ChecklistSection(repository: InspectionRepository, id: String, keys: List<ChecklistKey>) {
    val scope = rememberCoroutineScope()
    var lists by remember { mutableStateOf<List<ChecklistInfo>>(emptyList()) }
    val verdicts = remember { mutableStateMapOf<String, String>() }
    LaunchedEffect(keys) {
        val header = repository.inspection(id)
        lists = repository.checklists(header.industry).filter { c -> keys.any { it.id == c.id && it.version == c.version } }
    }
    Column {
        lists.forEach { list ->
            val key = ChecklistKey(list.id, list.version)
            list.sections.forEach { section ->
                Text(section.title)
                section.items.forEach { item ->
                    Text("${item.code} ${item.text}（${item.legalBasis}）")
                    when (item.kind) {
                        "measurement" -> {
                            var reading by remember(item.code) { mutableStateOf("") }
                            val range = listOfNotNull(item.min?.let { "≥$it" }, item.max?.let { "≤$it" }).joinToString(" ")
                            OutlinedTextField(reading, { reading = it }, label = { Text("读数 ${item.unit ?: ""} $range") })
                            Button(onClick = {
                                reading.toDoubleOrNull()?.let { v ->
                                    scope.launch { verdicts[item.code] = repository.answer(id, key, item.code, AnswerInput.Measured(v), "").verdictLabel }
                                }
                            }) { Text("记录") }
                        }
                        else -> Button(onClick = {
                            scope.launch { verdicts[item.code] = repository.answer(id, key, item.code, AnswerInput.Pass, "").verdictLabel }
                        }) { Text("符合") }
                    }
                    verdicts[item.code]?.let { Text(it) }
                }
            }
        }
    }
}
