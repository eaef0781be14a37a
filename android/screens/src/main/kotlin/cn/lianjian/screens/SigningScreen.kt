package cn.lianjian.screens

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.aspectRatio
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
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.PadPoint
import cn.lianjian.screens.model.SigningState
import cn.lianjian.screens.model.Strings

/**
 * 签字确认: what each record still needs, a pad for the signer, and, for the
 * enterprise's responsible person, the refusal (拒签) with its reason and
 * the two officers who attest it. The core freezes the record and draws the
 * signature from the strokes; the pad only reports the pen, in pad units.
 */
@Composable
fun SigningScreen(
    state: SigningState,
    onPenDown: (x: Float, y: Float, uptimeMillis: Long, pressure: Float) -> Unit,
    onPenMove: (x: Float, y: Float, uptimeMillis: Long, pressure: Float) -> Unit,
    onClear: () -> Unit,
    onSignerName: (String) -> Unit,
    onSign: () -> Unit,
    onRefusing: (Boolean) -> Unit,
    onReason: (String) -> Unit,
    onWitness: (String) -> Unit,
    onSubmitRefusal: () -> Unit,
) {
    ScreenFrame(state.record.ifEmpty { Strings.signingTitle }) { modifier ->
        Column(modifier.verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
            state.steps.forEach { s ->
                Text("${s.label}：" + if (s.complete) Strings.stepDone else s.missing,
                    color = if (s.complete) MaterialTheme.colorScheme.onSurfaceVariant else MaterialTheme.colorScheme.tertiary)
            }
            state.error?.let { ErrorLine(it) }
            state.done?.let { Text(it, color = MaterialTheme.colorScheme.primary, modifier = Modifier.testTag("done")) }
            if (!state.refusing) {
                Text(Strings.signHere("${state.signer} ${state.signerName}".trim()), style = MaterialTheme.typography.titleMedium)
                OutlinedTextField(state.signerName, onSignerName, label = { Text(Strings.signerName) }, singleLine = true,
                    modifier = Modifier.fillMaxWidth().testTag("signer-name"))
                Pad(state, onPenDown, onPenMove)
                Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                    OutlinedButton(onClick = onClear, modifier = Modifier.weight(1f).heightIn(min = MinTouch).testTag("clear")) { Text(Strings.padRewrite) }
                    Button(onClick = onSign, enabled = !state.busy && state.strokes.isNotEmpty() && state.signerName.isNotBlank(),
                        modifier = Modifier.weight(1f).heightIn(min = MinTouch).testTag("sign")) { Text(Strings.padSign) }
                }
            }
            if (state.mayRefuse) {
                FilterChip(selected = state.refusing, onClick = { onRefusing(!state.refusing) }, label = { Text(Strings.refuse) },
                    modifier = Modifier.heightIn(min = MinTouch).testTag("refusing"))
            }
            if (state.refusing) {
                OutlinedTextField(state.refusalReason, onReason, label = { Text(Strings.refusalReason) },
                    modifier = Modifier.fillMaxWidth().testTag("reason"))
                Text(Strings.witnessesHint, style = MaterialTheme.typography.bodyMedium)
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    state.officers.forEach { o ->
                        FilterChip(selected = o in state.witnesses, onClick = { onWitness(o) }, label = { Text(o) },
                            modifier = Modifier.heightIn(min = MinTouch).testTag("witness-$o"))
                    }
                }
                Button(onClick = onSubmitRefusal,
                    enabled = !state.busy && state.refusalReason.isNotBlank() && state.witnesses.size == 2,
                    modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("submit-refusal")) { Text(Strings.submitRefusal) }
            }
        }
    }
}

@Composable
private fun Pad(
    state: SigningState,
    onPenDown: (Float, Float, Long, Float) -> Unit,
    onPenMove: (Float, Float, Long, Float) -> Unit,
) {
    Surface(color = Color.White, modifier = Modifier.fillMaxWidth()) {
        Canvas(
            Modifier.fillMaxWidth().aspectRatio(state.padWidth / state.padHeight)
                .border(1.dp, MaterialTheme.colorScheme.outline).testTag("pad")
                .pointerInput(state.padWidth) {
                    val scale = state.padWidth / size.width
                    awaitPointerEventScope {
                        while (true) {
                            val event = awaitPointerEvent()
                            event.changes.forEach { c ->
                                val (x, y) = c.position.x * scale to c.position.y * scale
                                if (c.pressed && !c.previousPressed) onPenDown(x, y, c.uptimeMillis, c.pressure)
                                else if (c.pressed) onPenMove(x, y, c.uptimeMillis, c.pressure)
                                c.consume()
                            }
                        }
                    }
                },
        ) {
            val scale = size.width / state.padWidth
            state.strokes.forEach { stroke: List<PadPoint> ->
                stroke.zipWithNext { a, b ->
                    drawLine(Color(0xFF101020), Offset(a.x * scale, a.y * scale), Offset(b.x * scale, b.y * scale),
                        strokeWidth = (1.5f + 2f * b.pressure) * density, cap = StrokeCap.Round)
                }
            }
        }
    }
}
