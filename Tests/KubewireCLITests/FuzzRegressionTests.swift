import Foundation
import Testing

/// Inputs the fuzzer (`make fuzz`) found or that it must keep surviving:
/// every file in `fuzz/regressions/` is checked in every output format and
/// must end with a finding or an input error, never a crash.
@Suite("fuzz regressions (fuzz/regressions/)")
struct FuzzRegressionTests {
    static var inputs: [String] {
        let folder = packageRoot.appendingPathComponent("fuzz/regressions").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".input") }.sorted()
    }

    @Test(arguments: inputs)
    func survives(_ name: String) throws {
        let scratch = try Scratch()
        // A file name kubewire reads as a manifest; the bytes as they are.
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("fuzz/regressions/\(name)"))
        let file = scratch.url.appendingPathComponent("input.yaml")
        try data.write(to: file)
        for format in ["text", "json", "sarif", "junit", "github"] {
            let result = try kubewire(["check", "--format", format, file.path], in: scratch)
            #expect([0, 1, 2].contains(result.status), "\(name) as \(format): \(result)")
            #expect(!result.stdout.isEmpty, "\(name) as \(format) printed nothing: \(result)")
        }
    }

    @Test func thereAreRegressionInputs() {
        #expect(!Self.inputs.isEmpty, "fuzz/regressions/ holds no *.input under \(packageRoot.path)")
    }
}
