// The Lianjian Android app. Open this folder in Android Studio.
// The app's platform-independent Kotlin (repository, view-model logic) lives
// in shared/src/main/kotlin and is compiled into the app as a source folder;
// the same sources are compiled and tested on the desktop JVM by
// bindings/kotlin-jvm (run in CI). The uniffi bindings are generated at
// build time from the Rust library (see app/build.gradle.kts).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "lianjian"
include(":app")
