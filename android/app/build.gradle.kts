// For Android Studio: the Waymark app. Not run on the Linux test machine, which builds the same
// sources with app/pom.xml and scripts/build-apk.sh (aapt, Kotlin through Maven, R8, apksigner)
// and tests them with Robolectric (scripts/test-android.sh).
// Before building: scripts/gen-bindings.sh (the root project's preBuild runs it too), and
// libwaymark_ffi.so per ABI in ../src/main/jniLibs/<abi>/, e.g. with cargo-ndk:
//   cargo ndk -t arm64-v8a -t x86_64 -o android/src/main/jniLibs build --release -p waymark-ffi
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "org.waymark"
    // 34, as the Linux build (Debian's aapt cannot read the API-35 framework).
    compileSdk = 34
    defaultConfig {
        applicationId = "org.waymark"
        minSdk = 28
        targetSdk = 34
        versionCode = 1
        versionName = "0.1.0"
    }
    sourceSets["main"].apply {
        manifest.srcFile("AndroidManifest.xml")
        res.srcDirs("res")
        java.srcDirs("src/main/kotlin", "../src/main/kotlin", "../src/generated/kotlin")
        jniLibs.srcDirs("../src/main/jniLibs")
    }
    sourceSets["test"].apply {
        java.srcDirs("src/test/kotlin")
        resources.srcDirs("src/test/resources-gradle")
    }
    buildTypes {
        getByName("release") {
            isMinifyEnabled = true
            proguardFiles("proguard-rules.pro")
        }
    }
    testOptions {
        unitTests.isIncludeAndroidResources = true
        unitTests.all {
            it.systemProperty("jna.library.path", rootDir.resolve("../target/debug").path)
            // One Robolectric sandbox for every class (see the pom: the Rust library keeps one
            // class loader's callback table), and where the screens are drawn.
            it.systemProperty("robolectric.graphicsMode", "NATIVE")
            it.systemProperty("waymark.screens.dir", layout.buildDirectory.dir("screens").get().asFile.path)
        }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // The @aar variant brings JNA's native libraries for each Android ABI.
    implementation("net.java.dev.jna:jna:5.18.1@aar")
    testImplementation("net.java.dev.jna:jna:5.18.1")
    testImplementation("org.robolectric:robolectric:4.17")
    testImplementation("junit:junit:4.13.2")
}
