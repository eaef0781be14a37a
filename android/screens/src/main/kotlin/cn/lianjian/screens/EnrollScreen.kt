package cn.lianjian.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.*

/** 设备登记: the one-time code from the office and this device's name. */
@Composable
fun EnrollScreen(
    state: EnrollState,
    onCode: (String) -> Unit,
    onDeviceName: (String) -> Unit,
    onSubmit: () -> Unit,
) {
    ScreenFrame(Strings.enrollTitle) { modifier ->
        Column(
            modifier.verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text(Strings.enrollHint, style = MaterialTheme.typography.bodyLarge)
            OutlinedTextField(
                state.code, onCode, label = { Text(Strings.enrollCode) }, singleLine = true,
                enabled = !state.busy, modifier = Modifier.fillMaxWidth().testTag("code"),
            )
            OutlinedTextField(
                state.deviceName, onDeviceName, label = { Text(Strings.enrollDevice) }, singleLine = true,
                enabled = !state.busy, modifier = Modifier.fillMaxWidth().testTag("device"),
            )
            state.error?.let { ErrorLine(it) }
            Button(
                onClick = onSubmit,
                enabled = !state.busy && state.code.isNotBlank() && state.deviceName.isNotBlank(),
                modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("submit"),
            ) { Text(if (state.busy) Strings.enrollBusy else Strings.enrollSubmit) }
        }
    }
}
