package cn.lianjian.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.widthIn
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.material3.TopAppBarDefaults
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.Strings

/** The smallest touch target, per Material and the platforms' guidelines. */
val MinTouch = 48.dp

private val Colors = lightColorScheme(
    primary = Color(0xFF1650A0),
    onPrimary = Color.White,
    primaryContainer = Color(0xFFD8E4F8),
    error = Color(0xFFC0282D),
    errorContainer = Color(0xFFFBE3E3),
    tertiary = Color(0xFFB25E00),
    background = Color(0xFFF6F7F9),
    surface = Color.White,
)

/** The app's theme: the office blue, warnings in red and amber. */
@Composable
fun LianjianTheme(content: @Composable () -> Unit) {
    MaterialTheme(colorScheme = Colors) { Surface(color = MaterialTheme.colorScheme.background) { content() } }
}

/** A screen with its title bar; [actions] sit at the bar's end. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun ScreenFrame(
    title: String,
    actions: @Composable () -> Unit = {},
    content: @Composable (Modifier) -> Unit,
) {
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(title) },
                actions = { actions() },
                colors = TopAppBarDefaults.topAppBarColors(
                    containerColor = MaterialTheme.colorScheme.primary,
                    titleContentColor = MaterialTheme.colorScheme.onPrimary,
                    actionIconContentColor = MaterialTheme.colorScheme.onPrimary,
                ),
            )
        },
        containerColor = MaterialTheme.colorScheme.background,
    ) { padding ->
        // On a tablet the content keeps a readable width, centred.
        Box(Modifier.padding(padding).fillMaxSize(), contentAlignment = Alignment.TopCenter) {
            content(Modifier.widthIn(max = MaxContentWidth).fillMaxSize())
        }
    }
}

/** The widest a screen's content grows (a tablet in portrait shows it centred). */
val MaxContentWidth = 640.dp

/** Loading, error or empty: a message in the middle, with a retry button for errors. */
@Composable
fun Placeholder(message: String, modifier: Modifier = Modifier, loading: Boolean = false, onRetry: (() -> Unit)? = null) {
    Box(modifier.fillMaxSize().padding(24.dp).testTag("placeholder"), contentAlignment = Alignment.Center) {
        Column(horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(16.dp)) {
            if (loading) CircularProgressIndicator()
            Text(message, textAlign = TextAlign.Center, style = MaterialTheme.typography.bodyLarge)
            if (onRetry != null) {
                Button(onClick = onRetry, modifier = Modifier.heightIn(min = MinTouch)) { Text(Strings.retry) }
            }
        }
    }
}

/** An error line under a field or above a form. */
@Composable
fun ErrorLine(message: String, modifier: Modifier = Modifier) {
    Surface(color = MaterialTheme.colorScheme.errorContainer, shape = MaterialTheme.shapes.small, modifier = modifier.fillMaxWidth()) {
        Text(message, color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(12.dp).testTag("error"))
    }
}
