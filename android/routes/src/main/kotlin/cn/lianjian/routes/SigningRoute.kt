package cn.lianjian.routes

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import cn.lianjian.app.InspectionRepository
import cn.lianjian.app.ScreenStates
import cn.lianjian.app.SignaturePadModel
import cn.lianjian.core.ApiException
import cn.lianjian.core.SignerInput
import cn.lianjian.screens.SigningScreen
import cn.lianjian.screens.model.SigningState
import cn.lianjian.screens.model.Strings
import kotlinx.coroutines.launch

/**
 * The signing ceremony, wired: the shared screen draws the pad and the
 * refusal form; [SignaturePadModel] keeps the strokes the core turns into
 * the signature; the core freezes the record and says what is missing.
 */
@Composable
fun SigningRoute(
    repository: InspectionRepository,
    id: String,
    record: String,
    /** The signer: role, person id for an officer, and the name as known (the screen lets it be corrected). */
    signer: SignerInput,
    officers: List<String>,
    onDone: () -> Unit = {},
) {
    val scope = rememberCoroutineScope()
    val pad = remember { SignaturePadModel(400f, 160f) }
    var state by remember {
        mutableStateOf(
            SigningState(
                signer = if (signer.role == "responsible_person") Strings.responsiblePerson else Strings.officer,
                signerName = signer.name,
                mayRefuse = signer.role == "responsible_person",
                officers = officers,
            ),
        )
    }
    suspend fun reload() {
        val steps = repository.signingState(id)
        state = state.copy(record = steps.firstOrNull { it.record == record }?.label ?: "", steps = steps.map(ScreenStates::signingStep))
    }
    LaunchedEffect(id) { reload() }
    fun drawn() { state = state.copy(strokes = ScreenStates.strokes(pad)) }
    SigningScreen(
        state,
        onPenDown = { x, y, t, p -> pad.down(x, y, t, p); drawn() },
        onPenMove = { x, y, t, p -> pad.move(x, y, t, p); drawn() },
        onClear = { pad.clear(); drawn() },
        onSignerName = { state = state.copy(signerName = it) },
        onSign = {
            state = state.copy(busy = true, error = null)
            scope.launch {
                state = try {
                    repository.sign(id, record, signer.copy(name = state.signerName.trim()), pad)
                    pad.clear()
                    reload()
                    onDone()
                    state.copy(busy = false, strokes = emptyList(), done = Strings.signed)
                } catch (e: ApiException) {
                    state.copy(busy = false, error = e.message)
                }
            }
        },
        onRefusing = { state = state.copy(refusing = it) },
        onReason = { state = state.copy(refusalReason = it) },
        onWitness = { w -> state = state.copy(witnesses = if (w in state.witnesses) state.witnesses - w else state.witnesses + w) },
        onSubmitRefusal = {
            state = state.copy(busy = true, error = null)
            scope.launch {
                state = try {
                    repository.refuse(id, record, state.refusalReason)
                    reload()
                    state.copy(busy = false, done = "已记录拒签，请${state.witnesses.joinToString("、")}签字见证")
                } catch (e: ApiException) {
                    state.copy(busy = false, error = e.message)
                }
            }
        },
    )
}
