package cn.lianjian.desktop

import androidx.compose.runtime.Composable
import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.graphics.toComposeImageBitmap
import androidx.compose.ui.unit.Density
import cn.lianjian.screens.LianjianTheme
import org.jetbrains.skia.EncodedImageFormat
import java.awt.image.BufferedImage
import java.io.ByteArrayInputStream
import java.io.File
import javax.imageio.ImageIO
import kotlin.math.abs

/** A device the screens are rendered for: its size in dp, pixel density and font scale. */
data class Device(val name: String, val widthDp: Int, val heightDp: Int, val density: Float, val fontScale: Float = 1f)

/** The sizes the issue names: a phone, a tablet, and the phone with large text. */
val Devices = listOf(
    Device("phone", 360, 800, 2f),
    Device("tablet", 800, 1280, 1.5f),
    Device("phone-large-text", 360, 800, 2f, fontScale = 1.3f),
)

/** Renders [content] in the app's theme, headless, to PNG bytes. */
fun renderPng(device: Device, content: @Composable () -> Unit): ByteArray {
    val scene = ImageComposeScene(
        width = (device.widthDp * device.density).toInt(),
        height = (device.heightDp * device.density).toInt(),
        density = Density(device.density, device.fontScale),
        content = { LianjianTheme(content) },
    )
    try {
        scene.render(0)
        val image = scene.render(1_000_000_000)
        return image.encodeToData(EncodedImageFormat.PNG)!!.bytes
    } finally {
        scene.close()
    }
}

/** Decodes PNG bytes. */
fun decode(png: ByteArray): BufferedImage = ImageIO.read(ByteArrayInputStream(png))

/**
 * The share of pixels that differ between [a] and [b] by more than a
 * small amount in any channel (anti-aliasing noise is not a change), or 1
 * when the sizes differ.
 */
fun difference(a: BufferedImage, b: BufferedImage): Double {
    if (a.width != b.width || a.height != b.height) return 1.0
    var differing = 0L
    for (y in 0 until a.height) for (x in 0 until a.width) {
        val p = a.getRGB(x, y)
        val q = b.getRGB(x, y)
        val d = maxOf(abs((p shr 16 and 0xff) - (q shr 16 and 0xff)), abs((p shr 8 and 0xff) - (q shr 8 and 0xff)), abs((p and 0xff) - (q and 0xff)))
        if (d > 24) differing++
    }
    return differing.toDouble() / (a.width.toLong() * a.height)
}

/** Where the committed screenshots live. */
val ScreensDir = File(System.getProperty("lianjian.root") ?: "../..", "docs/screens")

/** Whether this run writes the screenshots instead of comparing with them (-Dlianjian.update.screens=true). */
val Updating = System.getProperty("lianjian.update.screens") == "true"

/** A fixture photo as the evidence screen shows it (decoded by Skia, as the desktop build does). */
fun thumbnail(name: String): androidx.compose.ui.graphics.ImageBitmap? =
    Samples.photos[name]?.let { org.jetbrains.skia.Image.makeFromEncoded(it.readBytes()).toComposeImageBitmap() }
