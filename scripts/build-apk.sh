#!/usr/bin/env bash
# Builds Waymark's signed debug APK without Gradle, then checks it.
#
#   scripts/build-apk.sh            -> android/app/target/apk/waymark-debug.apk
#
# Pipeline: aapt (Debian's, Android 10) compiles manifest + resources against the Android 14
# framework jar -> Kotlin through Maven (android/app/pom.xml) -> R8 (Maven Central) dexes and
# shrinks app + kotlin-stdlib + JNA -> aapt adds classes.dex and any native libraries ->
# zipalign -> apksigner with a throwaway key made here and deleted after.
#
# Native libraries: for each android/src/main/jniLibs/<abi>/libwaymark_ffi.so (built elsewhere
# with the NDK: `cargo ndk -t arm64-v8a -t x86_64 -o android/src/main/jniLibs build --release
# -p waymark-ffi`), the APK gets lib/<abi>/libwaymark_ffi.so and JNA's libjnidispatch.so for that
# ABI. This machine has no NDK: the APK built here has no native code and cannot run the core.
#
# Each check prints "apk: ok NAME" or "apk: FAILED NAME"; the last line is
# "apk checks: N passed, N failed" (scripts/test-all.sh counts it). Exit 1 if any failed.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="$REPO/android/app"
OUT="$APP/target/apk"
MVN=(mvn -B --no-transfer-progress -Dstyle.color=never -q)
R8_VERSION=9.5.28
JNA_VERSION=5.18.1

for tool in aapt zipalign apksigner keytool java; do
  command -v "$tool" >/dev/null || { echo "build-apk: $tool is missing (apt-get install aapt zipalign apksigner)" >&2; exit 1; }
done
JDK="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")}"

start=$SECONDS
# The Kotlin bindings are generated from the Rust library (never committed). SKIP_GEN_BINDINGS=1
# when they were just generated (scripts/test-android.sh runs the same step).
[ -n "${SKIP_GEN_BINDINGS:-}" ] || "$REPO/scripts/gen-bindings.sh" >/dev/null

# 1. aapt + Kotlin (the pom runs aapt in generate-sources).
cd "$APP"
"${MVN[@]}" package -Dmaven.test.skip=true
"${MVN[@]}" dependency:copy -Dartifact=com.android.tools:r8:$R8_VERSION -DoutputDirectory=target/tools
framework=$(cat target/framework.classpath)
t_compile=$((SECONDS - start))

# 2. R8: dex + shrink (keep rules: aapt's for the manifest's components, ours for JNA/bindings).
rm -rf "$OUT" && mkdir -p "$OUT/dex" "$OUT/native"
java -Xmx1g -cp "target/tools/r8-$R8_VERSION.jar" com.android.tools.r8.R8 --release --min-api 28 \
  --lib "$framework" --lib "$JDK" \
  --pg-conf target/aapt/keep-rules.pro --pg-conf proguard-rules.pro \
  --output "$OUT/dex" target/waymark-android-app-0.1.0.jar target/runtime-libs/*.jar
t_dex=$((SECONDS - start - t_compile))

# 3. Resource APK + classes.dex + native libraries.
cp target/aapt/resources.ap_ "$OUT/unsigned.apk"
(cd "$OUT/dex" && aapt add ../unsigned.apk classes.dex >/dev/null)
jni="$REPO/android/src/main/jniLibs"
abis=()
for lib in "$jni"/*/libwaymark_ffi.so; do
  [ -f "$lib" ] && abis+=("$(basename "$(dirname "$lib")")")
done
if [ ${#abis[@]} -gt 0 ]; then
  # JNA's Android native part lives in its .aar (jni/<abi>/libjnidispatch.so).
  "${MVN[@]}" dependency:copy -Dartifact=net.java.dev.jna:jna:$JNA_VERSION:aar -DoutputDirectory=target/tools
  for abi in "${abis[@]}"; do
    mkdir -p "$OUT/native/lib/$abi"
    cp "$jni/$abi/libwaymark_ffi.so" "$OUT/native/lib/$abi/"
    unzip -q -o -j "target/tools/jna-$JNA_VERSION.aar" "jni/$abi/libjnidispatch.so" -d "$OUT/native/lib/$abi/"
    (cd "$OUT/native" && aapt add ../unsigned.apk "lib/$abi/libwaymark_ffi.so" "lib/$abi/libjnidispatch.so" >/dev/null)
  done
  echo "build-apk: native libraries for ${abis[*]}"
else
  echo "build-apk: no android/src/main/jniLibs/<abi>/libwaymark_ffi.so here (needs the NDK): APK without native code"
fi

# 4. Align, then sign with a key that exists only for this run.
zipalign -f -p 4 "$OUT/unsigned.apk" "$OUT/aligned.apk"
keydir=$(mktemp -d)
trap 'rm -rf "$keydir"' EXIT
pass=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
keytool -genkeypair -keystore "$keydir/throwaway.p12" -storetype PKCS12 -storepass "$pass" -keypass "$pass" \
  -alias debug -keyalg EC -groupname secp256r1 -validity 30 -dname "CN=Waymark throwaway debug key" >/dev/null 2>&1
apksigner sign --ks "$keydir/throwaway.p12" --ks-pass "pass:$pass" --ks-key-alias debug \
  --out "$OUT/waymark-debug.apk" "$OUT/aligned.apk"
rm -f "$OUT/unsigned.apk" "$OUT/aligned.apk" "$OUT/waymark-debug.apk.idsig"
APK="$OUT/waymark-debug.apk"
t_total=$((SECONDS - start))

# 5. Checks.
passed=0
failed=0
check() { # name, command...
  local name=$1; shift
  if "$@"; then echo "apk: ok $name"; passed=$((passed + 1)); else echo "apk: FAILED $name"; failed=$((failed + 1)); fi
}
badging=$(aapt dump badging "$APK")
manifest=$(aapt dump xmltree "$APK" AndroidManifest.xml)
rules=$(aapt dump xmltree "$APK" res/xml/data_extraction_rules.xml)
dex=$(dexdump "$OUT/dex/classes.dex" 2>/dev/null | sed -n 's/^  Class descriptor  : .L\(.*\);./\1/p' | tr / .)

signature_verifies() { apksigner verify --min-sdk-version 28 "$APK"; }
package_is_org_waymark() { grep -q "^package: name='org.waymark'" <<<"$badging"; }
sdk_levels() { grep -q "^sdkVersion:'28'" <<<"$badging" && grep -q "^targetSdkVersion:'34'" <<<"$badging"; }
# Components (6 spaces in), with their name, enabled state and whether they carry LAUNCHER.
launchers() {
  awk '
    /^      E: / { comp = $2; name = ""; enabled = "default" }
    /^        A: android:name\(/ { match($0, /"[^"]*"/); name = substr($0, RSTART + 1, RLENGTH - 2) }
    /^        A: android:enabled\(/ { enabled = ($0 ~ /0xffffffff$/) ? "on" : "off" }
    /"android.intent.category.LAUNCHER"/ { print comp, name, enabled }
  ' <<<"$manifest"
}
launches_the_default_alias() {
  # aapt's badging does not follow aliases: read the manifest. The one enabled launcher entry
  # is the default alias; the Activity itself has no launcher entry.
  local enabled
  enabled=$(launchers | awk '$3 != "off"')
  [ "$enabled" = "activity-alias org.waymark.LauncherDefault on" ] || { echo "enabled launchers: [$enabled]"; return 1; }
}
exactly_the_needed_permissions() {
  local want got
  want=$(printf '%s\n' ACCESS_COARSE_LOCATION ACCESS_FINE_LOCATION INTERNET POST_NOTIFICATIONS RECEIVE_BOOT_COMPLETED \
    SCHEDULE_EXACT_ALARM SEND_SMS | sed 's/^/android.permission./' | sort)
  got=$(sed -n "s/^uses-permission: name='\([^']*\)'.*/\1/p" <<<"$badging" | sort -u)
  [ "$want" = "$got" ] || { echo "permissions: want [$want] got [$got]"; return 1; }
}
application_label_is_neutral() {
  # Notification headers and Settings show the application's label whatever alias is on.
  grep -q "^application-label:'Notes'" <<<"$badging" && ! grep -qi "^application-label.*waymark" <<<"$badging"
}
# INTERNET is there for the check-in relay only; nothing may go out in the clear (a relay's
# address is https; the core allows http only to loopback, which is for tests off the phone).
cleartext_traffic_off() { grep -q 'android:usesCleartextTraffic(0x010104ec)=(type 0x12)0x0' <<<"$manifest"; }
not_debuggable() { ! grep -q "application-debuggable" <<<"$badging"; }
backup_off() {
  grep -q 'android:allowBackup(0x01010280)=(type 0x12)0x0' <<<"$manifest" &&
    grep -q 'android:fullBackupContent(0x010104eb)=(type 0x12)0x0' <<<"$manifest"
}
data_extraction_excludes_everything() {
  grep -q 'android:dataExtractionRules(0x0101063e)=@' <<<"$manifest" || return 1
  local section domain n
  for section in cloud-backup device-transfer; do
    # Each section excludes every domain (path ".") and includes nothing.
    n=$(awk -v s="E: $section" '$0 ~ s {on=1; next} /^  E: / {on=0} on && /domain=/' <<<"$rules" | wc -l)
    [ "$n" -eq 9 ] || { echo "$section: $n excluded domains, want 9"; return 1; }
  done
  for domain in root file database sharedpref external device_root device_file device_database device_sharedpref; do
    [ "$(grep -c "domain=\"$domain\"" <<<"$rules")" -eq 2 ] || { echo "domain $domain not excluded twice"; return 1; }
  done
  ! grep -q 'E: include' <<<"$rules"
}
five_launcher_aliases_one_enabled() {
  # The app's own entry and the four disguises (app model: Disguise; DisguiseSwitcher).
  local all
  all=$(launchers)
  [ "$(grep -c '^activity-alias ' <<<"$all")" -eq 5 ] && [ "$(wc -l <<<"$all")" -eq 5 ] &&
    [ "$(grep -c ' on$' <<<"$all")" -eq 1 ]
}
only_aliases_and_boot_exported() {
  # Exported: the five aliases (the launcher) and the boot receiver (system broadcast only).
  local exported
  exported=$(grep -c 'android:exported(0x01010010)=(type 0x12)0xffffffff' <<<"$manifest")
  [ "$exported" -eq 6 ] || { echo "$exported exported components, want 6"; return 1; }
}
dex_holds_the_app() {
  local cls
  for cls in org.waymark.android.app.MainActivity org.waymark.android.app.WakeReceiver \
    org.waymark.android.app.BootReceiver org.waymark.android.app.VaultFileProvider \
    org.waymark.android.app.WaymarkApplication com.sun.jna.Native org.waymark.ffi.Vault \
    org.waymark.app.model.AppCore; do
    grep -qx "$cls" <<<"$dex" || { echo "missing class $cls"; return 1; }
  done
}
native_libraries_paired() {
  # Every packed core library has JNA's dispatcher beside it (or there are none at all).
  local listing abi
  listing=$(unzip -Z1 "$APK")
  for abi in $(sed -n 's|^lib/\([^/]*\)/libwaymark_ffi.so$|\1|p' <<<"$listing"); do
    grep -qx "lib/$abi/libjnidispatch.so" <<<"$listing" || return 1
  done
  [ "$(grep -c '^lib/' <<<"$listing")" -eq $((2 * ${#abis[@]})) ]
}

check signature_verifies signature_verifies
check package_is_org_waymark package_is_org_waymark
check sdk_levels_28_34 sdk_levels
check launches_the_default_alias launches_the_default_alias
check exactly_the_needed_permissions exactly_the_needed_permissions
check application_label_is_neutral application_label_is_neutral
check cleartext_traffic_off cleartext_traffic_off
check not_debuggable not_debuggable
check backup_off backup_off
check data_extraction_excludes_everything data_extraction_excludes_everything
check five_launcher_aliases_one_enabled five_launcher_aliases_one_enabled
check only_aliases_and_boot_exported only_aliases_and_boot_exported
check dex_holds_the_app dex_holds_the_app
check native_libraries_paired native_libraries_paired

size=$(stat -c %s "$APK")
echo "build-apk: $APK, $((size / 1024)) KiB; Kotlin+aapt ${t_compile} s, R8 ${t_dex} s, total ${t_total} s"
echo "apk checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
