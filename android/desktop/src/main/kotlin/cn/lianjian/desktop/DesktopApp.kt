package cn.lianjian.desktop

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.material3.TextButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.toComposeImageBitmap
import androidx.compose.ui.platform.testTag
import cn.lianjian.app.ClosedLoopRepository
import cn.lianjian.app.InspectionRepository
import cn.lianjian.core.ApiException
import cn.lianjian.core.ChecklistKey
import cn.lianjian.core.DocumentEngine
import cn.lianjian.core.DocumentOptions
import cn.lianjian.core.PrintedDocument
import cn.lianjian.core.EnterpriseInfo
import cn.lianjian.core.FindingSummary
import cn.lianjian.core.PhotoProcessor
import cn.lianjian.core.InspectionDraft
import cn.lianjian.core.SignerInput
import cn.lianjian.core.TeamMemberInfo
import cn.lianjian.routes.ConflictsRoute
import cn.lianjian.routes.DocumentRoute
import cn.lianjian.routes.EnrollRoute
import cn.lianjian.routes.RectificationRoute
import cn.lianjian.routes.ReviewRoute
import cn.lianjian.routes.InspectionRoute
import cn.lianjian.routes.LookupRoute
import cn.lianjian.routes.SigningRoute
import cn.lianjian.routes.SyncRoute
import cn.lianjian.routes.TasksRoute
import cn.lianjian.screens.LianjianTheme
import cn.lianjian.screens.MinTouch
import cn.lianjian.screens.model.Strings
import kotlinx.coroutines.launch

/** Where the desktop window is. */
sealed interface Place {
    data object Enroll : Place
    data object Tasks : Place
    data object Lookup : Place
    data class Inspection(val id: String) : Place
    data class Conflicts(val id: String) : Place
    data class Signing(val id: String, val officers: List<String>) : Place
    data class Document(val id: String) : Place
    data class Rectify(val hazard: FindingSummary) : Place
    data class Review(val hazard: FindingSummary) : Place
    data object Sync : Place
}

/**
 * What the window needs besides the repository: the device token (kept by
 * [saveToken]), the team an inspection starts with (the team-composition
 * screen is not built yet, so it comes from the command line or a test),
 * and the clock.
 */
class DesktopSession(
    val repository: InspectionRepository,
    /** The same store's closed loop (rectification reports and their review). */
    val closedLoop: ClosedLoopRepository,
    var token: String?,
    val saveToken: (String) -> Unit,
    val team: (EnterpriseInfo) -> List<TeamMemberInfo>,
    /** Now, as the core's timestamps read (RFC 3339 with offset). */
    val now: () -> String,
    /** Where documents are laid out (null: this window does not print), and what to do with the PDF. */
    val documents: Printing? = null,
    /** How photos are kept as evidence, and where the next one comes from (a file chooser in the window). */
    val photos: Photos? = null,
)

/** Photos in the window: the core's processor and the picture the user picks. */
class Photos(val processor: PhotoProcessor, val pick: suspend () -> String?)

/** Printing from the window: the core's engine, the issuing department, where the files go, and the hand-over. */
class Printing(
    val engine: DocumentEngine,
    val options: DocumentOptions,
    val outDir: String,
    val print: (PrintedDocument) -> Unit,
)

/**
 * The app in a desktop window: the same shared routes and screens the
 * Android app shows, against a real store and sync server, with a plain
 * back button instead of Android's navigation.
 */
@Composable
fun DesktopApp(session: DesktopSession) {
    val repo = session.repository
    val loop = session.closedLoop
    var place by remember { mutableStateOf<Place>(if (session.token == null) Place.Enroll else Place.Tasks) }
    var error by remember { mutableStateOf<String?>(null) }
    val scope = rememberCoroutineScope()
    val start: (EnterpriseInfo) -> Unit = { e ->
        scope.launch {
            try {
                val keys = repo.checklists(e.industry).take(1).map { ChecklistKey(it.id, it.version) }
                place = Place.Inspection(repo.startInspection(InspectionDraft(e.id, keys, session.team(e), session.now())))
            } catch (x: ApiException) {
                error = x.message
            }
        }
    }
    LianjianTheme {
        Column(Modifier.fillMaxSize()) {
            Box(Modifier.weight(1f)) {
                when (val p = place) {
                    Place.Enroll -> EnrollRoute(repo, "联检桌面版") { e ->
                        session.token = e.token
                        session.saveToken(e.token)
                        place = Place.Tasks
                    }
                    Place.Tasks -> TasksRoute(repo, onOpen = { place = Place.Inspection(it) }, onLookup = { place = Place.Lookup },
                        onSync = { place = Place.Sync }, onHazard = { t ->
                            place = when (t.kind) {
                                "rectify" -> Place.Rectify(t.finding)
                                "review" -> Place.Review(t.finding)
                                else -> Place.Inspection(t.finding.inspectionId)
                            }
                        })
                    is Place.Rectify -> session.photos?.let { ph ->
                        RectificationRoute(repo, loop, p.hazard, ph.processor, capture = ph.pick, image = ::loadImage)
                    }
                    is Place.Review -> ReviewRoute(repo, loop, p.hazard, image = ::loadImage)
                    Place.Lookup -> LookupRoute(repo, scanner = null, onStart = start)
                    is Place.Inspection -> InspectionRoute(repo, p.id, onConflicts = { place = Place.Conflicts(p.id) }, onPresented = {
                        scope.launch { place = Place.Signing(p.id, repo.inspection(p.id).team.map { it.name }) }
                    }, onDocuments = session.documents?.let { { place = Place.Document(p.id) } })
                    is Place.Document -> session.documents?.let { d ->
                        DocumentRoute(Strings.rectificationOrder, render = {
                            repo.printDocument(d.engine, p.id, "rectification_order", d.options, d.outDir)
                        }, image = ::loadImage, onPrint = d.print)
                    }
                    is Place.Conflicts -> ConflictsRoute(repo, p.id, mayResolve = true)
                    is Place.Signing -> SigningRoute(repo, p.id, "findings", SignerInput("", "responsible_person", null), p.officers)
                    Place.Sync -> SyncRoute(repo, token = { session.token }, now = { session.now().take(16).replace('T', ' ') })
                }
            }
            error?.let { Text(it, modifier = Modifier.testTag("app-error")) }
            if (place != Place.Enroll && place != Place.Tasks) {
                TextButton(onClick = { place = Place.Tasks }, modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("back")) {
                    Text(Strings.backToTasks)
                }
            }
        }
    }
}

/** A PNG or JPEG on disk as an image (Skia decodes it); null when it cannot be read. */
fun loadImage(path: String): androidx.compose.ui.graphics.ImageBitmap? = runCatching {
    org.jetbrains.skia.Image.makeFromEncoded(java.io.File(path).readBytes()).toComposeImageBitmap()
}.getOrNull()
