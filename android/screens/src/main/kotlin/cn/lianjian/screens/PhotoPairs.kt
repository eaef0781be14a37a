package cn.lianjian.screens

import androidx.compose.foundation.Image
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.unit.dp
import cn.lianjian.screens.model.PhotoPairRow
import cn.lianjian.screens.model.Strings

/** Each before-photo beside its after-photo (the report form and the review show the same). */
@Composable
internal fun PhotoPairs(pairs: List<PhotoPairRow>, image: (String) -> ImageBitmap?) {
    pairs.forEach { p ->
        Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                listOf(Strings.before to p.before, Strings.after to p.after).forEach { (label, path) ->
                    Column(Modifier.weight(1f)) {
                        Text(label, style = MaterialTheme.typography.labelMedium)
                        val bitmap = path?.let(image)
                        if (bitmap != null) {
                            Image(bitmap, label, contentScale = ContentScale.Crop, modifier = Modifier.fillMaxWidth().aspectRatio(4f / 3f))
                        } else {
                            Surface(color = MaterialTheme.colorScheme.surfaceVariant, modifier = Modifier.fillMaxWidth().aspectRatio(4f / 3f)) {
                                Box(contentAlignment = Alignment.Center) { Text(Strings.noThumbnail, modifier = Modifier.padding(4.dp)) }
                            }
                        }
                    }
                }
            }
            if (p.caption.isNotEmpty()) Text(p.caption, style = MaterialTheme.typography.bodySmall)
        }
    }
}
