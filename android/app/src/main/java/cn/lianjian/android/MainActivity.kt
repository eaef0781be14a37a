package cn.lianjian.android

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.compose.material3.MaterialTheme
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import cn.lianjian.android.ui.ConflictsScreen
import cn.lianjian.android.ui.EnrollScreen
import cn.lianjian.android.ui.EnterpriseScreen
import cn.lianjian.android.ui.InspectionScreenUi
import cn.lianjian.android.ui.SyncScreen
import cn.lianjian.android.ui.TasksScreen

/** One activity; screens are Compose destinations. */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val app = application as LianjianApp
        setContent {
            MaterialTheme {
                val nav = rememberNavController()
                NavHost(nav, startDestination = if (app.token == null) "enroll" else "tasks") {
                    composable("enroll") { EnrollScreen(app) { nav.navigate("tasks") } }
                    composable("tasks") {
                        TasksScreen(app.repository, onOpen = { nav.navigate("inspection/$it") },
                            onLookup = { nav.navigate("enterprise") }, onSync = { nav.navigate("sync") })
                    }
                    composable("enterprise") { EnterpriseScreen(app.repository) }
                    composable("inspection/{id}") { entry ->
                        val id = entry.arguments?.getString("id")!!
                        InspectionScreenUi(app.repository, id, onConflicts = { nav.navigate("conflicts/$id") })
                    }
                    composable("conflicts/{id}") { entry -> ConflictsScreen(app.repository, entry.arguments?.getString("id")!!) }
                    composable("sync") { SyncScreen(app) }
                }
            }
        }
    }
}
