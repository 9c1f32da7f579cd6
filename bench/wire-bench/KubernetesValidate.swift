import Foundation

/// kubewire against `kubernetes-validate --strict` (PyPI; `make deps-bench`
/// installs it into .build/bench-venv), on a sample of the same corpus: the
/// Python validator takes far longer than the whole corpus is worth waiting for,
/// so it runs on the first `sample` files and its time is scaled per object.
enum KubernetesValidate {
    static let sampleFiles = 100

    static var executable: String? {
        let candidates = [
            ProcessInfo.processInfo.environment["KUBERNETES_VALIDATE"],
            FileManager.default.currentDirectoryPath + "/.build/bench-venv/bin/kubernetes-validate",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Seconds per object of `kubernetes-validate --strict` on a sample of `corpus`, and the sample's size.
    static func secondsPerObject(_ corpus: Corpus, kubeVersion: String) throws -> (seconds: Double, objects: Int)? {
        guard let executable else { return nil }
        let files = Array(corpus.files.prefix(sampleFiles))
        let objects = corpus.objects * files.count / max(1, corpus.files.count)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            ["--strict", "--kubernetes-version", kubeVersion, "--quiet"]
            + files.map {
                corpus.root.appendingPathComponent($0).path
            }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let time = try Bench.seconds {
            try process.run()
            process.waitUntilExit()
        }
        return (time / Double(max(1, objects)), objects)
    }

    static func report(_ corpus: Corpus, kubewireSeconds: Double) {
        print("")
        guard let (perObject, sampled) = try? secondsPerObject(corpus, kubeVersion: "1.37.0") else {
            print("kubernetes-validate --strict: not installed (make deps-bench), skipped")
            return
        }
        let kubewirePerObject = kubewireSeconds / Double(max(1, corpus.objects))
        print("kubernetes-validate --strict (sample: \(sampleFiles) files, \(sampled) objects, one process)")
        print(
            "  " + Bench.column("its time per object", 40)
                + Bench.column(String(format: "%.3f ms", perObject * 1e3), 12)
                + String(format: "(whole 1x corpus: ~%.0f s)", perObject * Double(corpus.objects)))
        print(
            "  " + Bench.column("kubewire full check per object", 40)
                + Bench.column(String(format: "%.4f ms", kubewirePerObject * 1e3), 12))
        print(
            "  " + Bench.column("kubewire is faster by", 40)
                + String(format: "%.0fx", perObject / max(kubewirePerObject, 1e-12)))
    }
}
