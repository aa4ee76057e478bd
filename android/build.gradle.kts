// For Android Studio. Not exercised by the Linux test command (which uses pom.xml beside this).
// Before building: scripts/gen-bindings.sh (generates src/generated/kotlin), and build
// libwaymark_ffi.so for each ABI into src/main/jniLibs/<abi>/, e.g. with cargo-ndk:
//   cargo ndk -t arm64-v8a -t x86_64 -o android/src/main/jniLibs build --release -p waymark-ffi
plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.2.21"
}

android {
    namespace = "org.waymark.bindings"
    compileSdk = 35
    defaultConfig {
        minSdk = 28
    }
    sourceSets["main"].java.srcDirs("src/main/kotlin", "src/generated/kotlin")
    sourceSets["test"].java.srcDirs("src/test/kotlin")
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

val genBindings by tasks.registering(Exec::class) {
    description = "Builds the Rust library and generates the Kotlin bindings"
    workingDir = rootDir.parentFile
    commandLine("scripts/gen-bindings.sh")
}
tasks.named("preBuild") { dependsOn(genBindings) }

dependencies {
    // The @aar variant brings JNA's native libraries for each Android ABI.
    implementation("net.java.dev.jna:jna:5.18.1@aar")
    testImplementation("org.junit.jupiter:junit-jupiter:5.14.1")
}
