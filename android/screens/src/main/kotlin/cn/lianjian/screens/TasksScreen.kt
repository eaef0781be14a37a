package cn.lianjian.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.*

/** 我的任务: the tasks the core computes for this user's role. */
@Composable
fun TasksScreen(
    state: TasksState,
    onOpen: (TaskRow) -> Unit,
    onLookup: () -> Unit,
    onSync: () -> Unit,
    onRetry: () -> Unit,
) {
    ScreenFrame(Strings.tasksTitle, actions = {
        TextButton(onClick = onLookup, modifier = Modifier.heightIn(min = MinTouch).testTag("lookup")) {
            Text(Strings.tasksLookup, color = MaterialTheme.colorScheme.onPrimary)
        }
        TextButton(onClick = onSync, modifier = Modifier.heightIn(min = MinTouch).testTag("sync")) {
            Text(Strings.tasksSync, color = MaterialTheme.colorScheme.onPrimary)
        }
    }) { modifier ->
        val error = state.error
        when {
            state.loading -> Placeholder(Strings.loading, modifier, loading = true)
            error != null -> Placeholder(error, modifier, onRetry = onRetry)
            state.tasks.isEmpty() -> Placeholder(Strings.tasksEmpty, modifier)
            else -> LazyColumn(modifier.padding(horizontal = 12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                if (state.who.isNotEmpty()) {
                    item { Text(state.who, style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(vertical = 8.dp)) }
                }
                items(state.tasks, key = { it.id }) { task -> TaskCard(task, onOpen) }
            }
        }
    }
}

@Composable
private fun TaskCard(task: TaskRow, onOpen: (TaskRow) -> Unit) {
    Card(Modifier.fillMaxWidth().heightIn(min = MinTouch).clickable { onOpen(task) }.testTag("task-${task.id}")) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(task.enterprise, style = MaterialTheme.typography.titleMedium)
            Text(task.title, style = MaterialTheme.typography.bodyMedium)
            Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                task.due?.let {
                    Text(
                        if (task.overdue) "${Strings.dueOn(it)} · ${Strings.overdue}" else Strings.dueOn(it),
                        color = if (task.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
                        style = MaterialTheme.typography.bodySmall,
                    )
                }
                if (task.conflicts > 0) {
                    Text(Strings.conflicts(task.conflicts), color = MaterialTheme.colorScheme.tertiary, style = MaterialTheme.typography.bodySmall)
                }
            }
        }
    }
}
