package cn.lianjian.app

import cn.lianjian.core.DeviceClock
import java.time.OffsetDateTime

/** A device clock standing at a set instant: no test depends on the day it runs. */
class FixedClock(at: String) : DeviceClock {
    @Volatile
    var millis: Long = parse(at)

    fun set(at: String) {
        millis = parse(at)
    }

    override fun nowMillis(): Long = millis

    private companion object {
        fun parse(at: String): Long = OffsetDateTime.parse(at).toInstant().toEpochMilli()
    }
}
