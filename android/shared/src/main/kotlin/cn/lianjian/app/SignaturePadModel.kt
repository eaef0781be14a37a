package cn.lianjian.app

import cn.lianjian.core.StrokeInput
import cn.lianjian.core.StrokePointInput

/**
 * What the signature pad records, independent of the UI toolkit: the
 * Compose pad feeds touch events in, the core gets strokes of (x, y, time,
 * pressure) out and draws the PNG itself, so a signature looks the same on
 * every device. Times are milliseconds since the first touch.
 */
class SignaturePadModel(val width: Float, val height: Float) {
    private val strokes = mutableListOf<MutableList<StrokePointInput>>()
    private var origin: Long? = null

    /** Whether nothing has been written yet. */
    val isEmpty: Boolean get() = strokes.none { it.isNotEmpty() }

    /** The pen touched the pad at [x], [y] (pad units) at [uptimeMillis]. */
    fun down(x: Float, y: Float, uptimeMillis: Long, pressure: Float = 1f) {
        strokes += mutableListOf<StrokePointInput>()
        move(x, y, uptimeMillis, pressure)
    }

    /** The pen moved; points outside the pad are clamped to its edge. */
    fun move(x: Float, y: Float, uptimeMillis: Long, pressure: Float = 1f) {
        val start = origin ?: uptimeMillis.also { origin = it }
        val t = (uptimeMillis - start).coerceAtLeast(0).toUInt()
        strokes.lastOrNull()?.add(
            StrokePointInput(x.coerceIn(0f, width), y.coerceIn(0f, height), t, pressure.coerceIn(0f, 1f)),
        )
    }

    /** Starts over (the signer asked to rewrite). */
    fun clear() {
        strokes.clear()
        origin = null
    }

    /** The strokes as the core takes them. */
    fun strokes(): List<StrokeInput> = strokes.filter { it.isNotEmpty() }.map { StrokeInput(it.toList()) }
}
