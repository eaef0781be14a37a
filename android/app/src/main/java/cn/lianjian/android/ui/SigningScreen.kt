package cn.lianjian.android.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.unit.dp
import cn.lianjian.app.InspectionRepository
import cn.lianjian.app.SignaturePadModel
import cn.lianjian.core.ApiException
import cn.lianjian.core.RecordSigningInfo
import cn.lianjian.core.SignerInput
import kotlinx.coroutines.launch

/**
 * The signing ceremony on the inspector's tablet: what each record still
 * needs, a pad for the responsible person (or an inspector), and the refusal
 * (拒签) with its reason. The core freezes the record and draws the signature.
 */
@Composable
fun SigningScreen(repository: InspectionRepository, id: String, record: String, signer: SignerInput) {
    val scope = rememberCoroutineScope()
    var state by remember { mutableStateOf<List<RecordSigningInfo>>(emptyList()) }
    var message by remember { mutableStateOf<String?>(null) }
    var reason by remember { mutableStateOf("") }
    val pad = remember { SignaturePadModel(400f, 160f) }
    LaunchedEffect(id) { state = repository.signingState(id) }
    Column {
        state.forEach { s ->
            Text("${s.label}：" + if (s.complete) "已完成" else s.missing.joinToString("；"))
        }
        Text("请${signer.name}在下方手写签名", style = MaterialTheme.typography.titleMedium)
        SignaturePad(pad)
        Row {
            OutlinedButton(onClick = { pad.clear() }) { Text("重写") }
            Button(enabled = true, onClick = {
                scope.launch {
                    message = try {
                        repository.sign(id, record, signer, pad)
                        pad.clear()
                        state = repository.signingState(id)
                        "已签字"
                    } catch (e: ApiException) {
                        e.message
                    }
                }
            }) { Text("确认签字") }
        }
        if (signer.role == "responsible_person") {
            OutlinedTextField(reason, { reason = it }, label = { Text("拒签理由") })
            OutlinedButton(onClick = {
                scope.launch {
                    message = try {
                        repository.refuse(id, record, reason)
                        state = repository.signingState(id)
                        "已记录拒签，请两名执法人员签字"
                    } catch (e: ApiException) {
                        e.message
                    }
                }
            }) { Text("企业拒签") }
        }
        message?.let { Text(it) }
    }
}

/** A pad that records strokes with time and pressure into [model], in pad units. */
@Composable
fun SignaturePad(model: SignaturePadModel) {
    var redraw by remember { mutableIntStateOf(0) }
    val density = LocalDensity.current
    Canvas(
        Modifier.fillMaxWidth().height(160.dp).border(1.dp, Color.Gray).pointerInput(model) {
            val scale = model.width / size.width
            awaitPointerEventScope {
                while (true) {
                    val event = awaitPointerEvent()
                    event.changes.forEach { c ->
                        val x = c.position.x * scale
                        val y = c.position.y * scale
                        if (c.pressed && !c.previousPressed) model.down(x, y, c.uptimeMillis, c.pressure)
                        else if (c.pressed) model.move(x, y, c.uptimeMillis, c.pressure)
                        c.consume()
                    }
                    redraw++
                }
            }
        },
    ) {
        redraw.let { }
        val scale = size.width / model.width
        model.strokes().forEach { stroke ->
            stroke.points.zipWithNext { a, b ->
                drawLine(Color(0xFF101020), Offset(a.x * scale, a.y * scale), Offset(b.x * scale, b.y * scale),
                    strokeWidth = with(density) { (1.5f + 2f * b.pressure).dp.toPx() }, cap = StrokeCap.Round)
            }
        }
    }
}
