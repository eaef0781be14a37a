package cn.lianjian.android

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import cn.lianjian.android.ui.QrScanner
import cn.lianjian.routes.ConflictsRoute
import cn.lianjian.routes.EnrollRoute
import cn.lianjian.routes.InspectionRoute
import cn.lianjian.routes.LookupRoute
import cn.lianjian.routes.SyncRoute
import cn.lianjian.routes.TasksRoute
import cn.lianjian.screens.LianjianTheme

/** One activity; the shared routes are Compose destinations. */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val app = application as LianjianApp
        setContent {
            LianjianTheme {
                val nav = rememberNavController()
                NavHost(nav, startDestination = if (app.token == null) "enroll" else "tasks") {
                    composable("enroll") {
                        EnrollRoute(app.repository, android.os.Build.MODEL) { e -> app.token = e.token; nav.navigate("tasks") }
                    }
                    composable("tasks") {
                        TasksRoute(app.repository, onOpen = { nav.navigate("inspection/$it") },
                            onLookup = { nav.navigate("enterprise") }, onSync = { nav.navigate("sync") })
                    }
                    composable("enterprise") {
                        // Starting an inspection needs the team composed (not built yet): the button stays hidden.
                        LookupRoute(app.repository, scanner = { onScanned ->
                            QrScanner(onScanned = onScanned, modifier = Modifier.fillMaxWidth().height(240.dp))
                        }, onStart = null)
                    }
                    composable("inspection/{id}") { entry ->
                        val id = entry.arguments?.getString("id")!!
                        InspectionRoute(app.repository, id, onConflicts = { nav.navigate("conflicts/$id") }, onPresented = { nav.popBackStack() })
                    }
                    // Only the team lead resolves; the core refuses anyone else, the screen only hides the buttons.
                    composable("conflicts/{id}") { entry -> ConflictsRoute(app.repository, entry.arguments?.getString("id")!!, mayResolve = true) }
                    composable("sync") {
                        SyncRoute(app.repository, token = { app.token }, now = {
                            java.time.LocalDateTime.now().withNano(0).toString().replace('T', ' ')
                        })
                    }
                }
            }
        }
    }
}
