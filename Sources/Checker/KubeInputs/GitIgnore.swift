import Foundation

/// Whether a repository's `.gitignore` files keep a path out of the repository: such a file
/// (`.env` for a configMapGenerator, generated secrets) is made where the repository is deployed,
/// so its absence here is expected, not a mistake.
enum GitIgnore {
    /// Reads the `.gitignore` of `path`'s folder and of each ancestor, up to the folder holding
    /// `.git` (or the file system's root). Plain patterns only: negations (`!keep`) make it say no.
    static func ignores(_ path: String) -> Bool {
        var folder = (path as NSString).deletingLastPathComponent
        var depth = 0
        while !folder.isEmpty, depth < 64 {
            let relative = String(path.dropFirst(folder == "/" ? 1 : folder.count + 1))
            if let text = try? String(contentsOfFile: folder + "/.gitignore", encoding: .utf8) {
                let lines = text.split(whereSeparator: \.isNewline).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                // A negation may re-include the file: the build's failure is then the user's to fix.
                if lines.contains(where: { $0.hasPrefix("!") }) { return false }
                if lines.contains(where: { matches($0, relative) }) { return true }
            }
            if FileManager.default.fileExists(atPath: folder + "/.git") || folder == "/" { break }
            folder = (folder as NSString).deletingLastPathComponent
            depth += 1
        }
        return false
    }

    /// One `.gitignore` line against a path relative to its folder: a pattern without an inner slash
    /// matches any component (a trailing slash: a folder component), one with a slash the whole path.
    static func matches(_ line: String, _ relative: String) -> Bool {
        guard !line.isEmpty, !line.hasPrefix("#") else { return false }
        var pattern = line
        let folderOnly = pattern.hasSuffix("/")
        if folderOnly { pattern.removeLast() }
        let components = relative.split(separator: "/").map(String.init)
        if pattern.dropFirst().contains("/") || pattern.hasPrefix("/") {
            let anchored = pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern
            return fnmatch(anchored, relative, FNM_PATHNAME) == 0
                || (folderOnly
                    && components.indices.dropLast().contains { index in
                        fnmatch(anchored, components[...index].joined(separator: "/"), FNM_PATHNAME) == 0
                    })
        }
        let candidates = folderOnly ? Array(components.dropLast()) : components
        return candidates.contains { fnmatch(pattern, $0, 0) == 0 }
    }

    /// The file a failed build could not open: `open <path>: no such file or directory`.
    static func missingFile(in errors: String) -> String? {
        guard let end = errors.range(of: ": no such file or directory") else { return nil }
        guard let start = errors[..<end.lowerBound].range(of: "open ", options: .backwards) else { return nil }
        let path = String(errors[start.upperBound..<end.lowerBound])
        return path.isEmpty || path.contains("\n") ? nil : path
    }
}
