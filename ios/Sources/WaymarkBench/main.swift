// What one call into Rust costs from Swift, against a plain Swift call measured in the same
// run. Run with scripts/bench-ffi.sh (release builds of both sides).
import Foundation
import WaymarkKit

/// NOT a PRF anyone should use: a fixed XOR, so the benchmark measures calls, not crypto.
final class BenchOnlyPrf: HardwarePrf, @unchecked Sendable {
    func evaluate(input: Data) throws -> Data { Data(input.map { $0 ^ 0x5a }) }
}

@inline(never) func swiftBaseline() -> String { "0.1.0" }

var sink: Any?

/// ns per call over `rounds` batches of `perRound` calls, after a warm-up: the fastest batch
/// (least disturbed by other processes on a shared machine) and the median.
func measure(_ perRound: Int, rounds: Int = 7, _ call: () throws -> Any) rethrows -> (min: Double, median: Double) {
    for _ in 0..<perRound { sink = try call() }
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<perRound { sink = try call() }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(perRound))
    }
    samples.sort()
    return (samples[0], samples[rounds / 2])
}

func line(_ name: String, _ m: (min: Double, median: Double), _ vs: (min: Double, median: Double)?, _ vsName: String) {
    let ratio = vs.map { String(format: "  = %.1fx %@", m.min / $0.min, vsName) } ?? ""
    print(String(format: "  %@ %12.1f ns (median %.1f)", name.padding(toLength: 28, withPad: " ", startingAt: 0), m.min, m.median) + ratio)
}

// The same disk for all three benchmarks (scripts/bench-ffi.sh sets it): a record's cost is
// mostly its durable commit, which a tmpfs would hide.
let benchBase = ProcessInfo.processInfo.environment["WAYMARK_BENCH_DIR"].map { URL(fileURLWithPath: $0) }
    ?? FileManager.default.temporaryDirectory
let dir = benchBase.appendingPathComponent("waymark-bench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: dir) }
let created = try createVault(dir: dir.appendingPathComponent("vault").path, secret: "428613",
                              prf: BenchOnlyPrf(), keyDerivation: .minimalForTestsOnly)
let vault = created.vault
let log = vault.incidentLog()
let base = measure(1_000_000) { swiftBaseline() }
let version = measure(100_000) { waymarkVersion() }
let isUnlocked = measure(100_000) { vault.isUnlocked() }
let listOne = try measure(2_000) { try log.list(filter: ListFilter(limit: 1)) }
var n = 0
let record = try measure(200, rounds: 5) {
    n += 1
    return try log.record(incident: NewIncident(kind: .followed, occurredAt: Date(timeIntervalSince1970: 1_780_000_000),
                                                description: "bench incident \(n) — zażółć 😀"))
}
print("FFI bench (Swift; fastest batch, median in brackets):")
line("swift baseline call", base, nil, "")
line("waymarkVersion() (string)", version, base, "baseline")
line("vault.isUnlocked() (object)", isUnlocked, base, "baseline")
line("log.list(limit 1)", listOne, isUnlocked, "isUnlocked")
line("log.record(one incident)", record, isUnlocked, "isUnlocked")
