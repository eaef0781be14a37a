package cn.lianjian.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.RectificationState
import cn.lianjian.screens.model.Strings

/** 整改报告: the enterprise reports what it did about a hazard, with before/after photos, and asks for the 复查. */
@Composable
fun RectificationScreen(
    state: RectificationState,
    image: (String) -> ImageBitmap?,
    onMeasures: (String) -> Unit,
    onResponsible: (String) -> Unit,
    onCompletedOn: (String) -> Unit,
    onAddPhotos: () -> Unit,
    onRequestReinspection: (Boolean) -> Unit,
    onSubmit: () -> Unit,
) {
    ScreenFrame(Strings.rectificationTitle) { modifier ->
        Column(modifier.verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
            Text(state.hazard, style = MaterialTheme.typography.titleMedium)
            Text(state.hazardFacts, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            state.returnedReason?.let { ErrorLine("${Strings.returnedBecause}：$it") }
            if (state.submitted) {
                Text(Strings.reportSubmitted, color = MaterialTheme.colorScheme.primary, modifier = Modifier.testTag("submitted"))
            }
            OutlinedTextField(state.measures, onMeasures, label = { Text(Strings.measures) }, minLines = 3,
                modifier = Modifier.fillMaxWidth().testTag("measures"))
            OutlinedTextField(state.responsible, onResponsible, label = { Text(Strings.responsibleForRectification) }, singleLine = true,
                modifier = Modifier.fillMaxWidth().testTag("responsible"))
            OutlinedTextField(state.completedOn, onCompletedOn, label = { Text(Strings.completedOn) }, singleLine = true,
                placeholder = { Text("YYYY-MM-DD") }, modifier = Modifier.fillMaxWidth().testTag("completed-on"))
            PhotoPairs(state.photos, image)
            OutlinedButton(onClick = onAddPhotos, modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("add-photos")) {
                Text(Strings.addPhotoPair)
            }
            FilterChip(selected = state.requestsReinspection, onClick = { onRequestReinspection(!state.requestsReinspection) },
                label = { Text(Strings.requestReinspection) }, modifier = Modifier.heightIn(min = MinTouch).testTag("request-reinspection"))
            state.error?.let { ErrorLine(it) }
            Button(onClick = onSubmit,
                enabled = !state.busy && state.measures.isNotBlank() && state.responsible.isNotBlank() && state.completedOn.isNotBlank(),
                modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("submit-report")) { Text(Strings.submitReport) }
        }
    }
}
