package cn.lianjian.screens

import androidx.compose.foundation.Image
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.EvidenceState
import cn.lianjian.screens.model.Strings

/**
 * 照片与录音: the evidence of a hazard or item, each with what the core
 * noticed about it (flags such as a capture time far from the inspection's).
 * [thumbnail] turns a row's thumbnail path into an image; the platform
 * decodes it (Android's BitmapFactory, Skia on the desktop).
 */
@Composable
fun EvidenceScreen(state: EvidenceState, thumbnail: (String) -> ImageBitmap?, onTakePhoto: () -> Unit) {
    ScreenFrame(Strings.evidenceTitle) { modifier ->
        LazyColumn(modifier.padding(horizontal = 12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            item {
                Column(Modifier.padding(top = 12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(state.target, style = MaterialTheme.typography.titleMedium)
                    state.error?.let { ErrorLine(it) }
                    Button(onClick = onTakePhoto, enabled = !state.busy,
                        modifier = Modifier.fillMaxWidth().heightIn(min = MinTouch).testTag("take-photo")) { Text(Strings.takePhoto) }
                    if (state.items.isEmpty()) Text(Strings.evidenceNone, color = MaterialTheme.colorScheme.onSurfaceVariant)
                }
            }
            items(state.items, key = { it.id }) { e ->
                Card(Modifier.fillMaxWidth().testTag("evidence-${e.id}")) {
                    Row(Modifier.padding(12.dp), horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                        val image = e.thumbnail?.let(thumbnail)
                        if (image != null) {
                            Image(image, e.caption, contentScale = ContentScale.Crop, modifier = Modifier.size(96.dp))
                        } else {
                            Surface(color = MaterialTheme.colorScheme.surfaceVariant, modifier = Modifier.size(96.dp)) {
                                Box(contentAlignment = Alignment.Center) {
                                    Text(if (e.audio) Strings.audio else Strings.noThumbnail, textAlign = TextAlign.Center, style = MaterialTheme.typography.bodySmall,
                                        modifier = Modifier.padding(4.dp))
                                }
                            }
                        }
                        Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                            Text(e.caption, style = MaterialTheme.typography.bodyMedium)
                            e.flags.forEach { Text("⚠ $it", color = MaterialTheme.colorScheme.tertiary, style = MaterialTheme.typography.bodySmall) }
                        }
                    }
                }
            }
        }
    }
}
