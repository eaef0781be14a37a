package cn.lianjian.android

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import cn.lianjian.android.ui.ConflictsRoute
import cn.lianjian.android.ui.EnrollRoute
import cn.lianjian.android.ui.InspectionRoute
import cn.lianjian.android.ui.LookupRoute
import cn.lianjian.android.ui.SyncRoute
import cn.lianjian.android.ui.TasksRoute
import cn.lianjian.screens.LianjianTheme

/** One activity; screens are Compose destinations. */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val app = application as LianjianApp
        setContent {
            LianjianTheme {
                val nav = rememberNavController()
                NavHost(nav, startDestination = if (app.token == null) "enroll" else "tasks") {
                    composable("enroll") { EnrollRoute(app) { nav.navigate("tasks") } }
                    composable("tasks") {
                        TasksRoute(app.repository, onOpen = { nav.navigate("inspection/$it") },
                            onLookup = { nav.navigate("enterprise") }, onSync = { nav.navigate("sync") })
                    }
                    composable("enterprise") { LookupRoute(app.repository, onStart = null) }
                    composable("inspection/{id}") { entry ->
                        val id = entry.arguments?.getString("id")!!
                        InspectionRoute(app.repository, id, onConflicts = { nav.navigate("conflicts/$id") })
                    }
                    // Only the team lead resolves; the core refuses anyone else, the screen only hides the buttons.
                    composable("conflicts/{id}") { entry -> ConflictsRoute(app.repository, entry.arguments?.getString("id")!!, mayResolve = true) }
                    composable("sync") { SyncRoute(app) }
                }
            }
        }
    }
}
