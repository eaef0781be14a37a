import org.gradle.api.tasks.Exec

plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

val repoRoot = rootDir.parentFile
// Generated uniffi bindings (never committed), written by :app:generateBindings.
val generatedBindings = layout.buildDirectory.dir("generated/uniffi/kotlin")

android {
    namespace = "cn.lianjian.android"
    compileSdk = 35
    defaultConfig {
        applicationId = "cn.lianjian.android"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
    }
    buildFeatures { compose = true }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
    sourceSets["main"].apply {
        // The platform-independent layer, shared with the JVM tests.
        java.srcDir("${rootDir}/shared/src/main/kotlin")
        // The shared Compose screens, also compiled and tested by android/desktop (Maven).
        java.srcDir("${rootDir}/screens/src/main/kotlin")
        // The routes wiring them to the repository, shared with the desktop window.
        java.srcDir("${rootDir}/routes/src/main/kotlin")
        java.srcDir(generatedBindings)
        jniLibs.srcDir(layout.buildDirectory.dir("rustJniLibs"))
    }
}

// Builds liblianjian_ffi.so for the three ABIs with cargo-ndk
// (cargo install cargo-ndk; rustup target add aarch64-linux-android
// armv7-linux-androideabi x86_64-linux-android; ANDROID_NDK_HOME set).
val cargoNdk by tasks.registering(Exec::class) {
    workingDir = repoRoot
    commandLine(
        "cargo", "ndk",
        "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "-o", layout.buildDirectory.dir("rustJniLibs").get().asFile.path,
        "build", "--release", "-p", "lianjian-ffi",
    )
}

// Generates the Kotlin bindings from the host build of the same library.
val generateBindings by tasks.registering(Exec::class) {
    workingDir = repoRoot
    commandLine(
        "bash", "-c",
        "cargo build -q -p lianjian-ffi -p uniffi-bindgen && " +
            "target/debug/uniffi-bindgen generate target/debug/liblianjian_ffi.so --no-format " +
            "--language kotlin --out-dir '${generatedBindings.get().asFile.path}'",
    )
}

tasks.named("preBuild") { dependsOn(cargoNdk, generateBindings) }

dependencies {
    implementation(platform(libs.compose.bom))
    implementation(libs.compose.material3)
    implementation(libs.compose.ui)
    implementation(libs.compose.ui.tooling.preview)
    implementation(libs.activity.compose)
    implementation(libs.lifecycle.viewmodel.compose)
    implementation(libs.lifecycle.runtime.compose)
    implementation(libs.navigation.compose)
    implementation(libs.work.runtime)
    implementation(libs.camerax.camera2)
    implementation(libs.camerax.lifecycle)
    implementation(libs.camerax.view)
    implementation(libs.camerax.mlkit)
    implementation(libs.mlkit.barcode)
    implementation(libs.security.crypto)
    implementation(libs.kotlinx.coroutines.android)
    // JNA as an AAR: it carries the native dispatch libraries for each ABI.
    implementation("${libs.jna.get()}@aar")
}
