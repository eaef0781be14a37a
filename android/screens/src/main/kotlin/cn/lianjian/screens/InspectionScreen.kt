package cn.lianjian.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.*

/** 现场检查: the checklist by section with the computed verdicts, and the hazards found. */
@Composable
fun InspectionScreen(
    state: InspectionState,
    onAnswer: (ItemState, Answer) -> Unit,
    onMeasured: (ItemState, String) -> Unit,
    onDraft: (FindingDraft) -> Unit,
    onAddFinding: () -> Unit,
    onRetry: () -> Unit,
    /** Opens the conflicts (shown when there are any). */
    onConflicts: () -> Unit = {},
    /** Presents the inspection for signature; null hides the button. */
    onPresent: (() -> Unit)? = null,
    /** Opens the documents to print; null hides the button. */
    onDocuments: (() -> Unit)? = null,
) {
    ScreenFrame(state.enterprise.ifEmpty { Strings.inspectionTitle }, actions = {
        if (state.conflicts > 0) {
            TextButton(onClick = onConflicts, modifier = Modifier.heightIn(min = MinTouch).testTag("conflicts")) {
                Text(Strings.conflicts(state.conflicts), color = MaterialTheme.colorScheme.onPrimary)
            }
        }
        if (onDocuments != null) {
            TextButton(onClick = onDocuments, modifier = Modifier.heightIn(min = MinTouch).testTag("documents")) {
                Text(Strings.documents, color = MaterialTheme.colorScheme.onPrimary)
            }
        }
        if (onPresent != null) {
            TextButton(onClick = onPresent, modifier = Modifier.heightIn(min = MinTouch).testTag("present")) {
                Text(Strings.present, color = MaterialTheme.colorScheme.onPrimary)
            }
        }
    }) { modifier ->
        val loadError = state.loadError
        when {
            state.loading -> Placeholder(Strings.loading, modifier, loading = true)
            loadError != null -> Placeholder(loadError, modifier, onRetry = onRetry)
            else -> LazyColumn(modifier.padding(horizontal = 12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                item { Text(state.status, style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(top = 8.dp)) }
                state.sections.forEach { section ->
                    item { Text(section.title, style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 8.dp)) }
                    items(section.items, key = { it.code }) { ItemCard(it, onAnswer, onMeasured) }
                }
                item { Text("${Strings.findings}（${state.findings.size}）", style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 8.dp)) }
                if (state.findings.isEmpty()) item { Text(Strings.noFindings, color = MaterialTheme.colorScheme.onSurfaceVariant) }
                items(state.findings, key = { it.id }) { FindingCard(it) }
                item { FindingForm(state, onDraft, onAddFinding) }
            }
        }
    }
}

@Composable
private fun ItemCard(item: ItemState, onAnswer: (ItemState, Answer) -> Unit, onMeasured: (ItemState, String) -> Unit) {
    Card(Modifier.fillMaxWidth().testTag("item-${item.code}")) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text("${item.code} ${item.text}", style = MaterialTheme.typography.bodyLarge)
            Text(item.basis, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            if (item.threshold != null) {
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedTextField(
                        item.measured, { onMeasured(item, it) }, label = { Text(Strings.measured) }, singleLine = true,
                        modifier = Modifier.weight(1f).testTag("measured-${item.code}"),
                    )
                    Text("${Strings.threshold} ${item.threshold}", modifier = Modifier.padding(top = 20.dp))
                }
            } else {
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    Answer.entries.forEach { a ->
                        FilterChip(
                            selected = item.answer == a, onClick = { onAnswer(item, a) }, label = { Text(a.label) },
                            modifier = Modifier.heightIn(min = MinTouch).testTag("answer-${item.code}-${a.name}"),
                        )
                    }
                }
            }
            Text(
                "${Strings.verdict}：${item.verdict ?: Strings.unanswered}",
                color = if (item.verdictBad) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
                style = MaterialTheme.typography.bodyMedium,
                modifier = Modifier.testTag("verdict-${item.code}"),
            )
        }
    }
}

@Composable
private fun FindingCard(f: FindingRow) {
    Card(Modifier.fillMaxWidth().testTag("finding-${f.id}")) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(f.description, style = MaterialTheme.typography.bodyLarge)
            val tags = listOfNotNull(f.grade, if (f.major) Strings.major else null, Strings.dueOn(f.due), if (f.provisional) Strings.provisional else null)
            Text(tags.joinToString(" · "), color = if (f.major) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
                style = MaterialTheme.typography.bodyMedium)
        }
    }
}

@Composable
private fun FindingForm(state: InspectionState, onDraft: (FindingDraft) -> Unit, onAdd: () -> Unit) {
    val d = state.draft
    Card(Modifier.fillMaxWidth().padding(bottom = 16.dp)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(Strings.addFinding, style = MaterialTheme.typography.titleSmall)
            state.error?.let { ErrorLine(it) }
            OutlinedTextField(d.description, { onDraft(d.copy(description = it)) }, label = { Text(Strings.findingDescription) },
                modifier = Modifier.fillMaxWidth().testTag("finding-description"))
            Text(Strings.findingGrade, style = MaterialTheme.typography.bodyMedium)
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                state.grades.forEach { g ->
                    FilterChip(selected = d.grade == g, onClick = { onDraft(d.copy(grade = g)) }, label = { Text(g) },
                        modifier = Modifier.heightIn(min = MinTouch).testTag("grade-$g"))
                }
            }
            OutlinedTextField(d.due, { onDraft(d.copy(due = it)) }, label = { Text(Strings.findingDue) }, singleLine = true,
                placeholder = { Text("YYYY-MM-DD") }, modifier = Modifier.fillMaxWidth().testTag("finding-due"))
            Button(onClick = onAdd, enabled = d.description.isNotBlank() && d.grade.isNotEmpty(),
                modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("add-finding")) { Text(Strings.addFinding) }
        }
    }
}
