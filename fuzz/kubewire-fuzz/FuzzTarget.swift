import Foundation
import KubeDiagnostics
import KubeModel
import KubeReport
import KubeRules

/// libFuzzer's driver (linked by `-sanitize=fuzzer`). SwiftPM links an
/// executable with `--defsym main=<module>_main`, so libFuzzer's own `main`
/// is never used: ours hands the arguments to the driver.
@_extern(c, "LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("kubewire_fuzz_main")
public func kubewireFuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, kubewireFuzzOneInput)
}

/// One input (`make fuzz`): the bytes are one manifest stream, loaded
/// through the real file path, checked by every rule and rendered by every
/// renderer. Anything but a crash, a hang or a sanitizer report is a pass.
@_cdecl("LLVMFuzzerTestOneInput")
public func kubewireFuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    let data = Data(bytes: bytes, count: count)
    guard FuzzInput.folderCreated, (try? data.write(to: FuzzInput.url)) != nil else {
        fatalError("kubewire-fuzz: cannot write \(FuzzInput.url.path)")
    }
    checkAndRenderEverything(FuzzInput.url.path)
    return 0
}

enum FuzzInput {
    /// One file per fuzzing process, rewritten for every input.
    static let url: URL = {
        let folder =
            FileManager.default.fileExists(atPath: "/dev/shm")
            ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
        return folder.appendingPathComponent("kubewire-fuzz-\(getpid())").appendingPathComponent("input.yaml")
    }()

    static let folderCreated: Bool = {
        (try? FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)) != nil
    }()
}

func checkAndRenderEverything(_ path: String) {
    // One thread for the loader: a fuzzing process runs one input at a time.
    let loaded = ManifestLoader.load([.path(path)], options: LoadOptions(concurrency: 1))
    // No path of a fuzz input exists except those named `*exists*`, which
    // nothing on disk is: skaffold-context runs both branches without walking
    // the real file system.
    let fileExists: @Sendable (String) -> Bool = { ($0 as NSString).lastPathComponent.contains("exists") }
    // Rule by rule, through Checker (annotations included): one thread, so a
    // busy machine spends its time on inputs, not on waking workers.
    var findings: [Diagnostic] = []
    for rule in RuleRegistry.all {
        findings += Checker(rules: [rule], fileExists: fileExists).check(loaded.graph)
    }
    let report = Report(
        diagnostics: loaded.problems + findings, rules: RuleRegistry.all.map(\.info) + InputProblem.all,
        sources: loaded.sources, inputCount: loaded.inputNames.count, objectCount: loaded.graph.objects.count)
    for format in OutputFormat.allCases {
        _ = render(report, as: format, options: RenderOptions(color: false, workingDirectory: "/dev"))
    }
    _ = render(report, as: .text, options: RenderOptions(color: true))
}
