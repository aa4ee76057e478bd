import Foundation
import XCTest
import WaymarkKit

/// The Xcode project cannot be built here, but the identifiers in its text files can be checked
/// against the ones the code uses: a mismatch would only show on a device (a background task
/// that never runs, an icon switch that fails).
final class AppBundleTests: XCTestCase {
    let ios = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func plist(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: ios.appendingPathComponent(path))
        let any = try PropertyListSerialization.propertyList(from: data, options: [], format: nil)
        return try XCTUnwrap(any as? [String: Any], path)
    }

    func projectSetting(_ key: String) throws -> String {
        let text = try String(contentsOf: ios.appendingPathComponent("project.yml"), encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key + ":") }, key)
        return line.split(separator: ":", maxSplits: 1)[1]
            .trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    func testBackgroundRefreshIsPermittedForTheCheckInTask() throws {
        let info = try plist("Config/Info.plist")
        XCTAssertEqual(info["BGTaskSchedulerPermittedIdentifiers"] as? [String], [AppBundle.checkInRefreshTask])
        XCTAssertEqual(info["UIBackgroundModes"] as? [String], ["fetch"], "BGAppRefreshTask needs the fetch mode")
    }

    func testPermissionTextsExistAndDoNotNameTheAppsPurpose() throws {
        let info = try plist("Config/Info.plist")
        for key in ["NSCameraUsageDescription", "NSMicrophoneUsageDescription", "NSLocationWhenInUseUsageDescription"] {
            let text = try XCTUnwrap(info[key] as? String, key)
            XCTAssertFalse(text.isEmpty)
            for word in ["stalk", "abuse", "evidence", "police", "safety", "incident"] {
                XCTAssertFalse(text.lowercased().contains(word), "\(key) says \(word)")
            }
        }
        XCTAssertEqual(info["UIFileSharingEnabled"] as? Bool, false, "the vault is never shown in iTunes/Finder file sharing")
        XCTAssertEqual(info["CFBundleDisplayName"] as? String, "$(WAYMARK_DISPLAY_NAME)")
    }

    func testEverythingIsUnderCompleteFileProtectionByDefault() throws {
        let entitlements = try plist("Config/Waymark.entitlements")
        XCTAssertEqual(entitlements["com.apple.developer.default-data-protection"] as? String, "NSFileProtectionComplete")
        XCTAssertEqual(try projectSetting("CODE_SIGN_ENTITLEMENTS"), "Config/Waymark.entitlements")
        XCTAssertEqual(try projectSetting("INFOPLIST_FILE"), "Config/Info.plist")
    }

    func testAlternateIconsExistInTheAssetCatalogAndTheProject() throws {
        XCTAssertEqual(try projectSetting("ASSETCATALOG_COMPILER_ALTERNATE_APPICON_NAMES").split(separator: " ").map(String.init),
                       AppBundle.alternateIcons)
        XCTAssertEqual(try projectSetting("ASSETCATALOG_COMPILER_APPICON_NAME"), "AppIcon")
        for name in ["AppIcon"] + AppBundle.alternateIcons {
            let set = ios.appendingPathComponent("App/Assets.xcassets/\(name).appiconset")
            let png = try Data(contentsOf: set.appendingPathComponent("icon-1024.png"))
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], name)
            // IHDR: 1024 x 1024, 8-bit RGB without alpha (App Store icons must be opaque).
            XCTAssertEqual(Array(png[16..<26]), [0, 0, 4, 0, 0, 0, 4, 0, 8, 2], name)
            let contents = try String(contentsOf: set.appendingPathComponent("Contents.json"), encoding: .utf8)
            XCTAssertTrue(contents.contains("\"icon-1024.png\""), name)
        }
    }

    func testEveryDisguiseHasAnIconInTheCatalogAndNoTwoShareOne() {
        let all: [Disguise] = [.plain, .notes, .tasks, .weather, .calculator]
        XCTAssertNil(AppBundle.alternateIcon(for: .plain), "the app's own icon")
        let names = all.compactMap { AppBundle.alternateIcon(for: $0) }
        XCTAssertEqual(names.count, all.count - 1)
        XCTAssertEqual(Set(names), Set(AppBundle.alternateIcons), "every alternate icon is some disguise's")
    }

    func testCheckInNoticesMayBreakThroughFocus() throws {
        let entitlements = try plist("Config/Waymark.entitlements")
        XCTAssertEqual(entitlements["com.apple.developer.usernotifications.time-sensitive"] as? Bool, true)
    }

    func testTheAppFolderHoldsOnlySwiftAndAssets() throws {
        // Config lives in Config/, so XcodeGen never copies an Info.plist or entitlements into the app.
        let app = ios.appendingPathComponent("App")
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: app.path)).compactMap { $0 as? String }
        let swift = files.filter { $0.hasSuffix(".swift") }
        XCTAssertFalse(swift.isEmpty)
        for file in files where !file.hasPrefix("Assets.xcassets") {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: app.appendingPathComponent(file).path, isDirectory: &isDir)
            if !isDir.boolValue { XCTAssertTrue(file.hasSuffix(".swift"), file) }
        }
    }

    func testTheVaultLivesUnderApplicationSupport() {
        let dir = AppBundle.vaultDirectory(applicationSupport: URL(fileURLWithPath: "/var/mobile/Library/Application Support"))
        XCTAssertEqual(dir.path, "/var/mobile/Library/Application Support/Waymark/vault")
    }
}

/// The Apple-only files cannot be compiled here, but they can be read: a word a person reads that
/// is written in Swift is a sentence Android says differently, so every label must come from the
/// view model (an empty placeholder is allowed).
final class AppleLayerTests: XCTestCase {
    func testNoWordsAreWrittenInTheAppleOnlyFiles() throws {
        let app = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("App")
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: app.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        XCTAssertFalse(files.isEmpty)
        // A SwiftUI/UIKit text-taking call with a literal that has a letter in it.
        let pattern = try NSRegularExpression(
            pattern: #"\b(Text|Button|Label|TextField|SecureField|Toggle|Section|navigationTitle|accessibilityLabel|setTitle|Alert|confirmationDialog)\(\s*"[^"]*\p{L}[^"]*""#)
        for file in files {
            let text = try String(contentsOf: app.appendingPathComponent(file), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let s = String(line)
                if s.trimmingCharacters(in: .whitespaces).hasPrefix("//") { continue }
                let found = pattern.firstMatch(in: s, range: NSRange(s.startIndex..., in: s))
                XCTAssertNil(found, "\(file):\(n + 1) writes words in Swift: \(s)")
            }
        }
    }
}
