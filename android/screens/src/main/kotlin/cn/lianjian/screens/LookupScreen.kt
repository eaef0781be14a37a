package cn.lianjian.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.*

/** 企业查询: by QR code or credit code, with the enterprise's offline dossier. */
@Composable
fun LookupScreen(
    state: LookupState,
    onQuery: (String) -> Unit,
    onSubmit: () -> Unit,
    onScan: () -> Unit,
    /** Starts an inspection of the enterprise shown; null hides the button. */
    onStart: (() -> Unit)?,
) {
    ScreenFrame(Strings.lookupTitle) { modifier ->
        Column(
            modifier.verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text(Strings.lookupHint, style = MaterialTheme.typography.bodyMedium)
            OutlinedTextField(
                state.query, onQuery, label = { Text(Strings.lookupCode) }, singleLine = true,
                keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Characters),
                modifier = Modifier.fillMaxWidth().testTag("query"),
            )
            Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                Button(onClick = onSubmit, enabled = !state.busy && state.query.isNotBlank(),
                    modifier = Modifier.heightIn(min = MinTouch).weight(1f).testTag("submit")) { Text(Strings.lookupSubmit) }
                OutlinedButton(onClick = onScan, modifier = Modifier.heightIn(min = MinTouch).weight(1f).testTag("scan")) {
                    Text(Strings.lookupScan)
                }
            }
            state.error?.let { ErrorLine(it) }
            if (state.busy) Text(Strings.loading)
            state.enterprise?.let { Dossier(it, onStart) }
        }
    }
}

@Composable
private fun Dossier(e: EnterpriseCard, onStart: (() -> Unit)?) {
    Card(Modifier.fillMaxWidth().testTag("dossier")) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(e.name, style = MaterialTheme.typography.titleLarge)
            Text(e.creditCode, style = MaterialTheme.typography.bodyMedium)
            Text(e.address, style = MaterialTheme.typography.bodyMedium)
            Fact(Strings.grid, e.grid)
            Fact(Strings.risk, e.risk)
            if (e.responsible.isNotEmpty()) Fact(Strings.responsible, e.responsible)
            HorizontalDivider(Modifier.padding(vertical = 4.dp))
            Text("${Strings.openHazards}（${e.openHazards.size}）", style = MaterialTheme.typography.titleSmall)
            if (e.openHazards.isEmpty()) Text(Strings.noOpenHazards, color = MaterialTheme.colorScheme.onSurfaceVariant)
            e.openHazards.forEach { h ->
                Text(
                    "${h.grade} · ${h.description} · ${Strings.dueOn(h.due)}" + if (h.overdue) " · ${Strings.overdue}" else "",
                    color = if (h.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface,
                    style = MaterialTheme.typography.bodyMedium,
                )
            }
            if (e.lastInspections.isNotEmpty()) {
                HorizontalDivider(Modifier.padding(vertical = 4.dp))
                Text(Strings.lastInspections, style = MaterialTheme.typography.titleSmall)
                e.lastInspections.forEach { Text(it, style = MaterialTheme.typography.bodyMedium) }
            }
            if (onStart != null) {
                Button(onClick = onStart, modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("start")) {
                    Text(Strings.lookupStart)
                }
            }
        }
    }
}

@Composable
internal fun Fact(label: String, value: String) {
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(label, color = MaterialTheme.colorScheme.onSurfaceVariant, style = MaterialTheme.typography.bodyMedium)
        Text(value, style = MaterialTheme.typography.bodyMedium)
    }
}
