// For Android Studio. Not exercised by the Linux test command (which uses pom.xml beside this).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "waymark-android"
// The app (app/build.gradle.kts); the root project is the bindings library with its JVM tests.
include(":app")
