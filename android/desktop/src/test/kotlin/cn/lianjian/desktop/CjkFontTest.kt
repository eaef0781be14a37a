package cn.lianjian.desktop

import androidx.compose.material3.Text
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.platform.Typeface
import androidx.compose.ui.unit.sp
import org.jetbrains.skia.FontMgr
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/**
 * The screens' Chinese text is set in the Simplified Chinese face: a
 * render of characters whose forms differ between the Japanese and the
 * Chinese faces (直, 骨, 角, 说) must match the SC face and not the JP one,
 * and must not be empty boxes. Fails when the CJK font is missing or when
 * fontconfig falls back to its default JP face (android/desktop/fonts.conf
 * prevents that).
 */
class CjkFontTest {
    private val ttc = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    private val device = Device("glyphs", 200, 60, 2f)
    private val text = "直骨角说"

    private fun render(family: FontFamily?) = decode(renderPng(device) {
        Text(text, style = if (family == null) TextStyle(fontSize = 28.sp) else TextStyle(fontSize = 28.sp, fontFamily = family))
    })

    private fun face(index: Int): FontFamily {
        val typeface = FontMgr.default.makeFromFile(ttc, index) ?: error("cannot load face $index of $ttc")
        return FontFamily(Typeface(typeface))
    }

    @Test
    fun chineseTextIsSetInTheSimplifiedChineseFace() {
        assertTrue(File(ttc).exists(), "$ttc is missing: scripts/setup installs fonts-noto-cjk")
        val default = render(null)
        val sc = render(face(2))
        val jp = render(face(0))
        assertTrue(difference(sc, jp) > 0.001, "the SC and JP faces render these characters alike; the test would prove nothing")
        assertTrue(difference(default, sc) < difference(default, jp),
            "the screens' default font renders Han like the JP face, not the SC one (fonts.conf not in use?)")
        assertTrue(difference(default, sc) < 0.001, "the screens' default font is not Noto Sans CJK SC")
    }
}
