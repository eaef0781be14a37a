package cn.lianjian.app

import cn.lianjian.core.uniffiEnsureInitialized
import java.net.ServerSocket
import java.nio.file.Files

/** A seeded user of the test server. */
data class Seeded(val role: String, val name: String, val code: String, val userId: String)

/**
 * The workspace's sync server on a loopback port, seeded with the fixtures;
 * [users] are the enrollment codes it printed.
 */
class TestServer : AutoCloseable {
    private val process: Process
    private val data = Files.createTempDirectory("lianjian-server")
    val url: String
    val users = mutableListOf<Seeded>()

    init {
        // Stale generated bindings (not matching the library) fail here, loudly.
        uniffiEnsureInitialized()
        val target = System.getProperty("lianjian.target")
        val root = System.getProperty("lianjian.root")
        val port = ServerSocket(0).use { it.localPort }
        process = ProcessBuilder(
            "$target/debug/lianjian-sync-server", "--data", data.toString(), "serve",
            "--listen", "127.0.0.1:$port", "--fixtures", "$root/fixtures", "--demo-year", "0",
        ).redirectError(ProcessBuilder.Redirect.DISCARD).start()
        val line = Regex("""^\s+(\S+)\s+(\S+)\s+([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})\s+(\S+)$""")
        val out = process.inputStream.bufferedReader()
        while (true) {
            val l = out.readLine() ?: error("the sync server did not start")
            if (l.contains("listening on")) break
            line.matchEntire(l)?.let { m -> users += Seeded(m.groupValues[1], m.groupValues[2], m.groupValues[3], m.groupValues[4]) }
        }
        // Keep reading its output so the server never blocks on a full pipe.
        Thread { out.forEachLine { } }.apply { isDaemon = true }.start()
        url = "http://127.0.0.1:$port"
    }

    /** The [n]th seeded user with [role]. */
    fun user(role: String, n: Int = 0) = users.filter { it.role == role }[n]

    override fun close() {
        process.destroy()
        process.waitFor()
        data.toFile().deleteRecursively()
    }
}
