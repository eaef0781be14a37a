package cn.lianjian.screens

import androidx.compose.foundation.Image
import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.DocumentState
import cn.lianjian.screens.model.Strings

/**
 * 文书预览: page 1 of a document the core laid out and numbered on this
 * device, its number, and the print button (the platform's print service
 * takes the core's PDF as it is).
 */
@Composable
fun DocumentScreen(state: DocumentState, image: (String) -> ImageBitmap?, onPrint: () -> Unit) {
    ScreenFrame(state.title.ifEmpty { Strings.documentTitle }) { modifier ->
        Column(modifier.verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
            state.number?.let { Text(Strings.documentNumber(it), style = MaterialTheme.typography.titleMedium, modifier = Modifier.testTag("number")) }
            if (state.pages > 0) Text(Strings.pages(state.pages), style = MaterialTheme.typography.bodyMedium)
            if (state.numbersLow) Text(Strings.numbersLow(state.numbersLeft), color = MaterialTheme.colorScheme.tertiary)
            state.error?.let { ErrorLine(it) }
            Button(onClick = onPrint, enabled = !state.busy && state.preview != null,
                modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("print")) { Text(Strings.print) }
            val page = state.preview?.let(image)
            if (page != null) {
                Image(page, state.title, contentScale = ContentScale.FillWidth,
                    modifier = Modifier.fillMaxWidth().border(1.dp, MaterialTheme.colorScheme.outline).testTag("page"))
            } else {
                Placeholder(if (state.busy) Strings.loading else Strings.previewMissing, loading = state.busy)
            }
        }
    }
}
