package cn.lianjian.desktop

import androidx.compose.ui.unit.DpSize
import androidx.compose.ui.unit.dp
import androidx.compose.ui.window.Window
import androidx.compose.ui.window.application
import androidx.compose.ui.window.rememberWindowState
import cn.lianjian.app.InspectionRepository
import cn.lianjian.core.DocumentEngine
import cn.lianjian.core.DocumentOptions
import cn.lianjian.core.LianjianStore
import cn.lianjian.core.SyncEngine
import cn.lianjian.core.TeamMemberInfo
import java.io.File
import java.time.OffsetDateTime

/**
 * The app's screens in a desktop window against a sync server, for a
 * developer without an Android device:
 *
 *   mvn -f android/desktop/pom.xml compile exec:java -Dexec.args="--server http://127.0.0.1:8080"
 *
 * Options: --server URL (default http://127.0.0.1:8080), --data DIR (the
 * store and the token; default ~/.local/share/lianjian-desktop),
 * --department CODE and --certificate NO (the signed-in officer's, for the
 * team an inspection starts with and the department that issues documents),
 * --fonts DIR (Noto Serif CJK, default /usr/share/fonts/opentype/noto).
 */
fun main(args: Array<String>) {
    val opts = args.toList().chunked(2).filter { it.size == 2 }.associate { (k, v) -> k.removePrefix("--") to v }
    val data = File(opts["data"] ?: "${System.getProperty("user.home")}/.local/share/lianjian-desktop").apply { mkdirs() }
    val store = LianjianStore.open(File(data, "lianjian.db").path)
    val repository = InspectionRepository(store, SyncEngine(opts["server"] ?: "http://127.0.0.1:8080"))
    val tokenFile = File(data, "token")
    val session = DesktopSession(
        repository = repository,
        closedLoop = cn.lianjian.app.ClosedLoopRepository(store),
        token = tokenFile.takeIf { it.exists() }?.readText()?.trim(),
        saveToken = { tokenFile.writeText(it) },
        team = { e ->
            val me = store.currentUser() ?: error("not enrolled")
            listOf(TeamMemberInfo(me.personId, me.name, opts["department"] ?: "emergency_management", "lead", opts["certificate"], listOf(e.industry)))
        },
        now = { OffsetDateTime.now().withNano(0).toString() },
        documents = Printing(
            engine = DocumentEngine(opts["fonts"] ?: "/usr/share/fonts/opentype/noto"),
            options = DocumentOptions(opts["department"] ?: "emergency_management", "", null, null, null, emptyList()),
            outDir = File(data, "printed").path,
            // The desktop's print dialog is the PDF viewer's.
            print = { java.awt.Desktop.getDesktop().open(File(it.pdfPath)) },
        ),
        photos = Photos(
            cn.lianjian.core.PhotoProcessor(opts["watermark-font"] ?: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2u),
            pick = {
                val chooser = java.awt.FileDialog(null as java.awt.Frame?, "选择照片", java.awt.FileDialog.LOAD)
                chooser.isVisible = true
                chooser.file?.let { File(chooser.directory, it).path }
            },
        ),
    )
    application {
        Window(onCloseRequest = ::exitApplication, title = "联检", state = rememberWindowState(size = DpSize(420.dp, 860.dp))) {
            DesktopApp(session)
        }
    }
}
