#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// realpath(3) for many files in few folders. realpath looks at every component of a path (a
/// system call each); here a folder is resolved once, and a file that is not a symbolic link is
/// its folder's resolved path and its name, for one `lstat`. Same answers as realpath: links,
/// `.`, `..` and doubled slashes resolved; nil when the path does not exist.
public struct RealPaths {
    private var folders: [String: String?] = [:]
    private var files: [String: String?] = [:]

    public init() {}

    public static func realpath(_ path: String) -> String? {
        #if canImport(Glibc)
            guard let resolved = Glibc.realpath(path, nil) else { return nil }
        #else
            guard let resolved = Darwin.realpath(path, nil) else { return nil }
        #endif
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Records `path`'s real path, known without a system call (a folder listing's regular file).
    public mutating func note(_ path: String, real: String) {
        files[path] = real
    }

    public mutating func resolve(_ path: String) -> String? {
        if let known = files[path] { return known }
        let resolved = Self.resolve(path, folders: &folders)
        files[path] = resolved
        return resolved
    }

    private static func resolve(_ path: String, folders: inout [String: String?]) -> String? {
        let utf8 = path.utf8
        let slash = utf8.lastIndex(of: UInt8(ascii: "/"))
        let nameStart = slash.map { utf8.index(after: $0) } ?? utf8.startIndex
        let name = path[nameStart...]
        guard !name.isEmpty, name != ".", name != "..",
            slash.map({ $0 == utf8.startIndex || utf8[utf8.index(before: $0)] != UInt8(ascii: "/") }) ?? true
        else { return realpath(path) }
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        guard status.st_mode & S_IFMT != S_IFLNK else { return realpath(path) }
        let folder = slash.map { $0 == utf8.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let resolvedFolder: String?
        if let known = folders[folder] {
            resolvedFolder = known
        } else {
            resolvedFolder = realpath(folder)
            folders[folder] = resolvedFolder
        }
        guard let resolvedFolder else { return realpath(path) }
        return resolvedFolder == "/" ? "/" + name : resolvedFolder + "/" + name
    }
}
