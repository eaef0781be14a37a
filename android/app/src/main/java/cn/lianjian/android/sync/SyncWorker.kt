package cn.lianjian.android.sync

import android.content.Context
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.NetworkType
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import cn.lianjian.android.LianjianApp
import cn.lianjian.core.ApiException
import java.util.concurrent.TimeUnit

/**
 * Syncs when the network returns (WorkManager's network constraint) and
 * every 15 minutes while it lasts. Transport failures retry with
 * WorkManager's backoff; a refused device stops until it enrolls again.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val app = applicationContext as LianjianApp
        val token = app.token ?: return Result.success()
        return try {
            app.repository.sync(token)
            Result.success()
        } catch (e: ApiException.Network) {
            Result.retry()
        } catch (e: ApiException.Interrupted) {
            Result.retry()
        } catch (e: ApiException.Unauthorized) {
            app.token = null
            Result.failure()
        }
    }

    companion object {
        fun schedule(context: Context) {
            val request = PeriodicWorkRequestBuilder<SyncWorker>(15, TimeUnit.MINUTES)
                .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
                .build()
            WorkManager.getInstance(context).enqueueUniquePeriodicWork("sync", ExistingPeriodicWorkPolicy.KEEP, request)
        }
    }
}
