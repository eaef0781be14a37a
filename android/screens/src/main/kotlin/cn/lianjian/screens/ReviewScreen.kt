package cn.lianjian.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.ReviewState
import cn.lianjian.screens.model.Strings

/** 整改审核: the officer reads the enterprise's report beside its photos, then accepts it or sends it back with a reason and a new deadline. */
@Composable
fun ReviewScreen(
    state: ReviewState,
    image: (String) -> ImageBitmap?,
    onReturnReason: (String) -> Unit,
    onNewDeadline: (String) -> Unit,
    onAccept: () -> Unit,
    onSendBack: () -> Unit,
) {
    ScreenFrame(Strings.reviewTitle) { modifier ->
        Column(modifier.verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
            Text(state.enterprise, style = MaterialTheme.typography.titleMedium)
            Text(state.hazard, style = MaterialTheme.typography.bodyLarge)
            Text(state.submitted, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            Text("${Strings.measures}：${state.measures}", style = MaterialTheme.typography.bodyMedium)
            Text("${Strings.responsibleForRectification}：${state.responsible}", style = MaterialTheme.typography.bodyMedium)
            PhotoPairs(state.photos, image)
            HorizontalDivider()
            state.error?.let { ErrorLine(it) }
            state.done?.let { Text(it, color = MaterialTheme.colorScheme.primary, modifier = Modifier.testTag("done")) }
            Button(onClick = onAccept, enabled = !state.busy && state.done == null,
                modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("accept")) { Text(Strings.accept) }
            OutlinedTextField(state.returnReason, onReturnReason, label = { Text(Strings.returnReason) },
                modifier = Modifier.fillMaxWidth().testTag("return-reason"))
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedTextField(state.newDeadline, onNewDeadline, label = { Text(Strings.newDeadline) }, singleLine = true,
                    placeholder = { Text("YYYY-MM-DD") }, modifier = Modifier.weight(1f).testTag("new-deadline"))
            }
            OutlinedButton(onClick = onSendBack,
                enabled = !state.busy && state.done == null && state.returnReason.isNotBlank() && state.newDeadline.isNotBlank(),
                modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("send-back")) { Text(Strings.sendBack) }
        }
    }
}
