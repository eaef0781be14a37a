package cn.lianjian.screens

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
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.ConflictChoice
import cn.lianjian.screens.model.ConflictRow
import cn.lianjian.screens.model.ConflictsState
import cn.lianjian.screens.model.Strings

/** 冲突处理: each field two teammates changed differently, both values with who and when; the lead keeps one. */
@Composable
fun ConflictsScreen(state: ConflictsState, onKeep: (ConflictRow, ConflictChoice) -> Unit, onRetry: () -> Unit) {
    ScreenFrame(Strings.conflictsTitle) { modifier ->
        val error = state.error
        when {
            state.loading -> Placeholder(Strings.loading, modifier, loading = true)
            error != null -> Placeholder(error, modifier, onRetry = onRetry)
            state.conflicts.isEmpty() -> Placeholder(Strings.conflictsNone, modifier)
            else -> LazyColumn(modifier.padding(horizontal = 12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                if (!state.mayResolve) item { Text(Strings.conflictsLeadOnly, modifier = Modifier.padding(top = 12.dp)) }
                items(state.conflicts, key = { it.id }) { c ->
                    Card(Modifier.fillMaxWidth().padding(top = 4.dp).testTag("conflict-${c.id}")) {
                        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                            Text(c.what, style = MaterialTheme.typography.titleMedium)
                            c.choices.forEachIndexed { i, choice ->
                                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                                    Column(Modifier.weight(1f)) {
                                        Text(choice.value, style = MaterialTheme.typography.bodyLarge)
                                        Text(Strings.conflictBy(choice.author, choice.at), style = MaterialTheme.typography.bodySmall,
                                            color = MaterialTheme.colorScheme.onSurfaceVariant)
                                    }
                                    if (state.mayResolve) {
                                        OutlinedButton(onClick = { onKeep(c, choice) },
                                            modifier = Modifier.heightIn(min = MinTouch).testTag("keep-${c.id}-$i")) { Text(Strings.keepThis) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
