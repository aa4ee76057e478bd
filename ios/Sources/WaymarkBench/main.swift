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

/// Median ns per call over `rounds` batches of `perRound` calls, after a warm-up.
func measure(_ perRound: Int, rounds: Int = 7, _ call: () throws -> Any) rethrows -> Double {
    for _ in 0..<perRound { sink = try call() }
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<perRound { sink = try call() }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(perRound))
    }
    return samples.sorted()[rounds / 2]
}

let dir = FileManager.default.temporaryDirectory.appendingPathComponent("waymark-bench-\(UUID().uuidString)")
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
print("FFI bench (Swift, median of batches):")
print(String(format: "  swift baseline call         %10.1f ns", base))
print(String(format: "  waymarkVersion() (string)   %10.1f ns  = %.0fx baseline", version, version / base))
print(String(format: "  vault.isUnlocked() (object) %10.1f ns  = %.0fx baseline", isUnlocked, isUnlocked / base))
print(String(format: "  log.list(limit 1)           %10.1f ns  = %.1fx isUnlocked", listOne, listOne / isUnlocked))
print(String(format: "  log.record(one incident)    %10.1f ns  = %.0fx isUnlocked", record, record / isUnlocked))
