import ArgumentParser
import Foundation
import KubewireCLI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `kubewire up` and `kubewire probe` are run by `kubewire-cluster`, git-style: kubewire replaces
/// itself with `kubewire-cluster <command> <arguments>` (same process, so signals, the parent and the
/// exit code are the ones the caller sees). It is looked for beside the running kubewire, then on PATH.
enum ClusterExecutable {
    static let name = "kubewire-cluster"
    static let commands: Set<String> = ["up", "probe"]

    /// Execs kubewire-cluster with `arguments`; returns only by exiting 2 when it cannot.
    static func run(_ arguments: [String]) -> Never {
        guard let path = locate() else {
            Console.error(
                """
                kubewire: `kubewire \(arguments.first ?? "up")` needs \(name), which is not installed beside \
                kubewire (\(ownDirectory() ?? "?")) or on PATH.
                Build it in the repository's blog package with `swift build --package-path blog --product \(name)` \
                (`make build` puts both in blog/.build/debug), or install both with \
                `make install-cluster PREFIX=/usr/local`.

                """)
            exit(2)
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        Console.error("kubewire: cannot run \(path): \(String(cString: strerror(errno)))\n")
        exit(2)
    }

    static func locate() -> String? {
        if let directory = ownDirectory(), isExecutable(directory + "/" + name) { return directory + "/" + name }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = directory + "/" + name
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// The folder of the running executable, links resolved.
    static func ownDirectory() -> String? {
        #if os(Linux)
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            if count > 0 {
                return URL(
                    fileURLWithPath: String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                )
                .deletingLastPathComponent().path
            }
        #endif
        guard let path = Bundle.main.executablePath else { return nil }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        return resolved.deletingLastPathComponent().path
    }

    private static func isExecutable(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }
}

/// Listed in `kubewire --help`; the arguments go to kubewire-cluster untouched.
struct UpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract:
            "Run the manifests as a local cluster: a process per pod, a listener per Service, nginx as the ingress.",
        discussion: "Run by \(ClusterExecutable.name), installed beside kubewire; `kubewire up --help` for options.")

    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []

    func run() throws { ClusterExecutable.run(["up"] + arguments) }
}

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Send a request for every ingress path to a live ingress and prove it reached its backend.",
        discussion: "Run by \(ClusterExecutable.name), installed beside kubewire; `kubewire probe --help` for options.")

    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []

    func run() throws { ClusterExecutable.run(["probe"] + arguments) }
}
