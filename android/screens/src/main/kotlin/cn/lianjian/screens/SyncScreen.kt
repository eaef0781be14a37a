package cn.lianjian.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.*

/** 同步: the last sync, a sync now, and the changes the server refused. */
@Composable
fun SyncScreen(state: SyncStatusState, onSync: () -> Unit) {
    ScreenFrame(Strings.syncTitle) { modifier ->
        LazyColumn(modifier.padding(horizontal = 12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            item {
                Column(Modifier.padding(top = 12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(state.lastSync?.let(Strings::syncLast) ?: Strings.syncNever, style = MaterialTheme.typography.titleMedium,
                        modifier = Modifier.testTag("last-sync"))
                    state.summary?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                    if (state.running) {
                        Text(Strings.syncRunning)
                        val p = state.progress
                        if (p != null) LinearProgressIndicator(progress = { p }, modifier = Modifier.fillMaxWidth())
                        else LinearProgressIndicator(Modifier.fillMaxWidth())
                    }
                    state.error?.let { ErrorLine(it) }
                    Button(onClick = onSync, enabled = !state.running,
                        modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("sync-now")) { Text(Strings.syncNow) }
                    Text("${Strings.refusedTitle}（${state.refused.size}）", style = MaterialTheme.typography.titleMedium,
                        modifier = Modifier.padding(top = 8.dp))
                    if (state.refused.isEmpty()) Text(Strings.refusedNone, color = MaterialTheme.colorScheme.onSurfaceVariant)
                }
            }
            items(state.refused, key = { it.id }) { r ->
                Card(Modifier.fillMaxWidth().testTag("refused-${r.id}")) {
                    Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                        Text(r.what, style = MaterialTheme.typography.bodyLarge)
                        Text(r.why, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
                        Text("${Strings.whatToDo}：${r.todo}", style = MaterialTheme.typography.bodyMedium)
                    }
                }
            }
        }
    }
}
