package cn.lianjian.routes

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.graphics.ImageBitmap
import cn.lianjian.core.ApiException
import cn.lianjian.core.PrintedDocument
import cn.lianjian.screens.DocumentScreen
import cn.lianjian.screens.model.DocumentState

/**
 * 文书预览, wired: [render] has the core lay the document out and number it
 * on this device; the screen shows page 1 and the number; [onPrint] hands
 * the core's PDF to the platform's print service unchanged.
 */
@Composable
fun DocumentRoute(
    title: String,
    render: suspend () -> PrintedDocument,
    image: (String) -> ImageBitmap?,
    onPrint: (PrintedDocument) -> Unit,
) {
    var state by remember { mutableStateOf(DocumentState(title = title, busy = true)) }
    var printed by remember { mutableStateOf<PrintedDocument?>(null) }
    LaunchedEffect(title) {
        state = try {
            val p = render()
            printed = p
            DocumentState(
                title = title,
                number = p.number,
                pages = p.pages.toInt(),
                preview = p.previewPath,
                numbersLow = p.numbersLow,
                numbersLeft = p.numbersLeft?.toInt(),
            )
        } catch (e: ApiException) {
            DocumentState(title = title, error = e.message)
        }
    }
    DocumentScreen(state, image) { printed?.let(onPrint) }
}
