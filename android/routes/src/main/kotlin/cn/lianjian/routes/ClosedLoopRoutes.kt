package cn.lianjian.routes

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.graphics.ImageBitmap
import cn.lianjian.app.ClosedLoopRepository
import cn.lianjian.app.InspectionRepository
import cn.lianjian.core.ApiException
import cn.lianjian.core.FindingSummary
import cn.lianjian.core.PhotoPairInput
import cn.lianjian.core.PhotoProcessor
import cn.lianjian.core.RectificationInput
import cn.lianjian.screens.RectificationScreen
import cn.lianjian.screens.ReviewScreen
import cn.lianjian.screens.model.PhotoPairRow
import cn.lianjian.screens.model.RectificationState
import cn.lianjian.screens.model.ReviewState
import cn.lianjian.screens.model.Strings
import kotlinx.coroutines.launch

/**
 * 整改报告, wired: the enterprise's report on [hazard]. Each after-photo the
 * platform's camera returns ([capture], a file path) is kept as evidence with
 * purpose `rectification` and paired with the next before-photo of the
 * hazard; the core refuses a report it does not accept.
 */
@Composable
fun RectificationRoute(
    app: InspectionRepository,
    loop: ClosedLoopRepository,
    hazard: FindingSummary,
    processor: PhotoProcessor,
    capture: suspend () -> String?,
    image: (String) -> ImageBitmap?,
    onDone: () -> Unit = {},
) {
    val scope = rememberCoroutineScope()
    var pairs by remember { mutableStateOf<List<PhotoPairInput>>(emptyList()) }
    var state by remember {
        mutableStateOf(
            RectificationState(
                hazard = hazard.description,
                hazardFacts = "${hazard.grade} · ${Strings.dueOn(hazard.dueDate)}",
                returnedReason = null,
            ),
        )
    }
    suspend fun rows() = pairs.map { PhotoPairRow(pathOf(app, it.before), pathOf(app, it.after)) }
    RectificationScreen(
        state, image,
        onMeasures = { state = state.copy(measures = it) },
        onResponsible = { state = state.copy(responsible = it) },
        onCompletedOn = { state = state.copy(completedOn = it) },
        onAddPhotos = {
            scope.launch {
                state = try {
                    val befores = app.evidence(hazard.inspectionId)
                        .filter { it.purpose == "hazard" && it.target.endsWith(hazard.id) }.map { it.sha256 }
                    val before = befores.firstOrNull { b -> pairs.none { it.before == b } } ?: befores.firstOrNull()
                    val path = capture()
                    if (before == null || path == null) state else {
                        val after = app.addPhoto(hazard.inspectionId, hazard.id, path, processor, "rectification")
                        pairs = pairs + PhotoPairInput(before, after.sha256)
                        state.copy(photos = rows(), error = null)
                    }
                } catch (e: ApiException) {
                    state.copy(error = e.message)
                }
            }
        },
        onRequestReinspection = { state = state.copy(requestsReinspection = it) },
        onSubmit = {
            state = state.copy(busy = true, error = null)
            scope.launch {
                state = try {
                    loop.submit(hazard.inspectionId, RectificationInput(hazard.id, state.measures.trim(), state.responsible.trim(),
                        state.completedOn.trim(), null, pairs, emptyList(), state.requestsReinspection))
                    onDone()
                    state.copy(busy = false, submitted = true)
                } catch (e: ApiException) {
                    state.copy(busy = false, error = e.message)
                }
            }
        },
    )
}

/** 整改审核, wired: the latest report on [hazard] with its photo pairs; accept, or send back with a reason and a new deadline. */
@Composable
fun ReviewRoute(
    app: InspectionRepository,
    loop: ClosedLoopRepository,
    hazard: FindingSummary,
    image: (String) -> ImageBitmap?,
    onDone: () -> Unit = {},
) {
    val scope = rememberCoroutineScope()
    var state by remember { mutableStateOf(ReviewState(hazard = hazard.description, enterprise = hazard.enterpriseName)) }
    LaunchedEffect(hazard.id) {
        state = try {
            val report = loop.reports(hazard.inspectionId).lastOrNull { it.report.findingId == hazard.id }
            if (report == null) state.copy(error = Strings.reviewNoReport) else state.copy(
                submitted = "${report.submittedAt.take(16).replace('T', ' ')} · ${report.report.responsible}",
                measures = report.report.measures,
                responsible = report.report.responsible,
                photos = report.report.photos.map { PhotoPairRow(pathOf(app, it.before), pathOf(app, it.after)) },
            )
        } catch (e: ApiException) {
            state.copy(error = e.message)
        }
    }
    fun act(done: String, step: suspend () -> Unit) {
        state = state.copy(busy = true, error = null)
        scope.launch {
            state = try {
                step()
                onDone()
                state.copy(busy = false, done = done)
            } catch (e: ApiException) {
                state.copy(busy = false, error = e.message)
            }
        }
    }
    ReviewScreen(
        state, image,
        onReturnReason = { state = state.copy(returnReason = it) },
        onNewDeadline = { state = state.copy(newDeadline = it) },
        onAccept = { act(Strings.reviewAccepted) { loop.accept(hazard.inspectionId, hazard.id) } },
        onSendBack = {
            act(Strings.reviewSentBack) { loop.sendBack(hazard.inspectionId, hazard.id, state.returnReason.trim(), state.newDeadline.trim()) }
        },
    )
}

/** Where a photo's bytes are on this device, or null while they are still on the server. */
private suspend fun pathOf(app: InspectionRepository, sha256: String): String? =
    try {
        app.blobPath(sha256)
    } catch (e: ApiException.NotFound) {
        null
    }
