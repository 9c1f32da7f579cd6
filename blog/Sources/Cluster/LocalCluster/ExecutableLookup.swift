import Foundation

/// Finds a program the way a shell would, without running one.
public enum ExecutableLookup {
    /// The first executable `name` in `PATH`, then in `alsoIn` (system folders a login
    /// shell has but a service environment may lack).
    public static func find(_ name: String, alsoIn extraDirectories: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + extraDirectories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
