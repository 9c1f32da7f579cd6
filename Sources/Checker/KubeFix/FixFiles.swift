import Foundation

/// What identifies one version of a file: device, inode, size, and the modification and status
/// change times (the status change time cannot be set back by a program that writes the file).
public struct FileSignature: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: [Int]
    var changed: [Int]

    /// The signature of the file `path` names (a symbolic link followed); nil when it cannot be
    /// read.
    public static func of(_ path: String) -> FileSignature? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileSignature(info)
    }

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = [Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
        changed = [Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec)]
    }
}

/// A file write that failed, said for a user.
public struct FixWriteError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(description: String) { self.description = description }
}

/// Reading the files `--fix` edits and writing them back.
///
/// Symbolic links: the file a link names is edited (the link stays a link) only when its real path
/// lies inside one of the inputs (`roots`, resolved); a link that leads out of the inputs is
/// refused, so fixing a repository never writes outside it. Hard links are replaced by the rename,
/// as every editor's atomic save does.
public enum FixFiles {
    /// The canonical path (symbolic links resolved) of an existing file or folder.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The text of `path` to fix, or why it may not be fixed: it changed since `expected` was taken
    /// (before the check read it; none: not an input), or it is a link out of `roots` (real paths of
    /// the inputs).
    public static func read(_ path: String, expected: FileSignature?, roots: [String]) -> FixSource {
        guard let expected else { return .refused("\(path) is not one of the inputs (a --context file?): not edited") }
        guard let real = realPath(path) else { return .refused("\(path) cannot be found now: not edited") }
        let inside = roots.contains { root in real == root || real.hasPrefix(root.hasSuffix("/") ? root : root + "/") }
        guard inside else {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            guard absolute == real else {
                return .refused("\(path) is a symbolic link to \(real), outside the inputs: not edited")
            }
            // A kustomize base the named overlays build, outside the folders named.
            return .refused("\(path) is outside the inputs: not edited; name its folder too to fix it")
        }
        let descriptor = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return .refused("\(path) cannot be opened (\(errorText())): not edited") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, FileSignature(info) == expected else {
            return .refused("\(path) changed since it was checked: not edited; run kubewire again")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let got = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return pread(descriptor, base + done, raw.count - done, off_t(done))
            }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return .refused("\(path) cannot be read (\(errorText())): not edited") }
            done += got
        }
        return .bytes(bytes)
    }

    /// Writes `bytes` as the new content of `path` atomically: a temporary file in the same folder
    /// (same file system) with the file's permission bits (and owner, where allowed), flushed, then
    /// renamed over the real file. A reader sees the old text or the new, never half of one.
    /// `expected`: the file must still be that version just before the rename.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, expected: FileSignature) throws {
        guard let real = realPath(path) else { throw FixWriteError(description: "\(path) cannot be found now") }
        var info = stat()
        guard stat(real, &info) == 0 else { throw FixWriteError(description: "\(path): \(errorText())") }
        guard FileSignature(info) == expected else {
            throw FixWriteError(description: "\(path) changed while it was being fixed: not edited")
        }
        let folder = (real as NSString).deletingLastPathComponent
        let name = (real as NSString).lastPathComponent
        var template = Array((folder + "/." + name + ".kubewire-fix-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard descriptor >= 0 else {
            throw FixWriteError(description: "cannot create a temporary file beside \(path): \(errorText())")
        }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var written = false
        defer {
            if !written { unlink(temporary) }
        }
        var done = 0
        while done < bytes.count {
            let got = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return write(descriptor, base + done, raw.count - done)
            }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                let reason = errorText()
                close(descriptor)
                throw FixWriteError(description: "cannot write beside \(path): \(reason)")
            }
            done += got
        }
        _ = fchown(descriptor, info.st_uid, info.st_gid)  // only root may give a file away; fine if not
        guard fchmod(descriptor, info.st_mode & 0o7777) == 0, fsync(descriptor) == 0 else {
            let reason = errorText()
            close(descriptor)
            throw FixWriteError(description: "cannot write beside \(path): \(reason)")
        }
        close(descriptor)
        guard rename(temporary, real) == 0 else {
            throw FixWriteError(description: "cannot replace \(path): \(errorText())")
        }
        written = true
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
