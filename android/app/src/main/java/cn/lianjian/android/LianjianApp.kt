package cn.lianjian.android

import android.app.Application
import androidx.security.crypto.EncryptedSharedPreferences
import androidx.security.crypto.MasterKey
import cn.lianjian.android.sync.SyncWorker
import cn.lianjian.app.InspectionRepository
import cn.lianjian.core.LianjianStore
import cn.lianjian.core.SyncEngine

/**
 * Opens the device's store once and holds the repository every screen
 * uses. The device token lives in encrypted preferences (Keystore-backed).
 */
class LianjianApp : Application() {
    lateinit var repository: InspectionRepository
        private set

    private val secrets by lazy {
        EncryptedSharedPreferences.create(
            this, "lianjian-secrets",
            MasterKey.Builder(this).setKeyScheme(MasterKey.KeyScheme.AES256_GCM).build(),
            EncryptedSharedPreferences.PrefKeyEncryptionScheme.AES256_SIV,
            EncryptedSharedPreferences.PrefValueEncryptionScheme.AES256_GCM,
        )
    }

    /** The device token from enrollment, if enrolled. */
    var token: String?
        get() = secrets.getString("token", null)
        set(value) = secrets.edit().putString("token", value).apply()

    override fun onCreate() {
        super.onCreate()
        val store = LianjianStore.open(getDatabasePath("lianjian.db").apply { parentFile?.mkdirs() }.path)
        repository = InspectionRepository(store, SyncEngine(BuildConfigServer.URL))
        SyncWorker.schedule(this)
    }
}

/** The sync server (set per deployment). */
object BuildConfigServer {
    const val URL = "https://sync.lianjian.example.cn"
}
