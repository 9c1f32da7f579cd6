import Foundation

/// The kustomizations of a repository that read a file, for `--fix`: a base line is edited only when
/// every overlay that builds it agrees, named as an input or not.
///
/// The search walks the repository root (the folder holding `.git` above the inputs, else their
/// common ancestor) for kustomization files, bounded in files and depth; each kustomization reaches
/// its resources, components, patches and other local files, transitively through the folders it
/// lists. Only the kustomizations no other one lists are deployed (and built): a base or a
/// component alone is not.
public struct KustomizationReaders: Sendable {
    /// The folder searched.
    public var root: String
    /// Why the search stopped before the end (too many files, too deep), or nil.
    public var cutShort: String?
    /// Each deployed kustomization with the real paths of the files it reads.
    var deployed: [(folder: KustomizationFolder, reads: Set<String>)] = []

    public static let maxFiles = 20_000
    public static let maxDepth = 16

    /// The deployed kustomizations that read `file` (any spelling of it).
    public func readers(of file: String) -> [KustomizationFolder] {
        guard let real = InputPlanner.canonicalPath(file) else { return [] }
        return deployed.filter { $0.reads.contains(real) }.map(\.folder)
    }

    /// The search for the inputs (`-` left out).
    public static func search(inputs: [String], maxFiles: Int = maxFiles, maxDepth: Int = maxDepth)
        -> KustomizationReaders
    {
        let starts = inputs.filter { $0 != "-" }.compactMap { InputPlanner.canonicalPath($0) }.map { path in
            InputPlanner.isDirectory(path) ? path : (path as NSString).deletingLastPathComponent
        }
        let candidates = starts.map { repositoryRoot(above: $0) ?? $0 }
        let root = commonAncestor(candidates) ?? "/"
        var result = KustomizationReaders(root: root)
        var found: [KustomizationFolder] = []
        var visited = 0
        func walk(_ folder: String, depth: Int) {
            guard result.cutShort == nil else { return }
            guard depth <= maxDepth else {
                result.cutShort = "\(folder) is more than \(maxDepth) folders below \(root)"
                return
            }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
            visited += names.count
            if visited > maxFiles {
                result.cutShort = "\(root) holds more than \(maxFiles) files"
                return
            }
            if let name = InputPlanner.kustomizationFileNames.first(where: names.contains) {
                found.append(KustomizationFolder(path: folder, file: folder + "/" + name))
            }
            for name in names.sorted()
            where !name.hasPrefix(".") && !InputPlanner.skippedFolderNames.contains(name) {
                let path = folder + "/" + name
                // Links to folders are not followed: they may loop, and their targets are walked where they are.
                guard
                    (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType)
                        == .typeDirectory
                else { continue }
                walk(path, depth: depth + 1)
            }
        }
        walk(root, depth: 0)
        guard result.cutShort == nil else { return result }

        var reach = Reach()
        let all = found.map { folder in (folder, reach.files(folder: folder.path, file: folder.file)) }
        result.deployed = all.filter { folder, _ in
            !reach.included.contains(folder.path) && !KustomizationFile.load(path: folder.file).isComponent
        }.map { folder, files in
            (KustomizationFolder(path: displayPath(folder.path), file: displayPath(folder.file)), files)
        }
        return result
    }

    /// The real paths of the local files `folder`'s kustomization reads, through the folders it lists.
    public static func filesRead(by folder: KustomizationFolder) -> Set<String> {
        guard let real = InputPlanner.canonicalPath(folder.path), let file = InputPlanner.canonicalPath(folder.file)
        else { return [] }
        var reach = Reach()
        return reach.files(folder: real, file: file)
    }

    /// What each kustomization reads (by real folder path), and the folders some kustomization lists.
    struct Reach {
        var files: [String: Set<String>] = [:]
        var included: Set<String> = []
        private var visiting: Set<String> = []

        mutating func files(folder: String, file: String) -> Set<String> {
            if let known = files[folder] { return known }
            guard visiting.insert(folder).inserted else { return [] }
            var read: Set<String> = [InputPlanner.canonicalPath(file) ?? file]
            for reference in KustomizationFile.load(path: file).localReferences(in: folder) {
                guard let real = InputPlanner.canonicalPath(reference) else { continue }
                if InputPlanner.isDirectory(real) {
                    included.insert(real)
                    guard
                        let name = InputPlanner.kustomizationFileNames.first(where: {
                            FileManager.default.fileExists(atPath: real + "/" + $0)
                        })
                    else { continue }
                    read.formUnion(files(folder: real, file: real + "/" + name))
                } else {
                    read.insert(real)
                }
            }
            visiting.remove(folder)
            files[folder] = read
            return read
        }
    }

    /// The nearest folder at or above `folder` that holds `.git` (a folder, or a worktree's file).
    static func repositoryRoot(above folder: String) -> String? {
        var current = folder
        while true {
            if FileManager.default.fileExists(atPath: current + "/.git") { return current }
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { return nil }
            current = parent
        }
    }

    static func commonAncestor(_ paths: [String]) -> String? {
        guard var common = paths.first?.split(separator: "/") else { return nil }
        for path in paths.dropFirst() {
            let parts = path.split(separator: "/")
            var count = 0
            while count < common.count && count < parts.count && common[count] == parts[count] { count += 1 }
            common = Array(common.prefix(count))
        }
        return "/" + common.joined(separator: "/")
    }

}

/// `--fix --diff` writes nothing, yet kustomize builds files: a kustomization that reads a file the
/// diff changes is built from a copy of the files it reads, the fixed texts in place of theirs, so
/// the check after the diff counts what the fixes leave. The copy sits below `root` at each file's
/// real path (`root` + `/work/base/web.yaml`), so the relative paths between them stay.
public enum KustomizeMirror {
    public enum Copy: Sendable {
        /// It reads none of the fixed files: build it where it is.
        case unaffected
        /// Build this folder instead.
        case copied(KustomizationFolder)
        /// The copy could not be made.
        case failed
    }

    /// A new empty folder for copies (the caller removes it when the run is over).
    public static func makeRoot() -> String? { temporaryFolder() }

    public static func copy(_ folder: KustomizationFolder, replacing texts: [String: String], into root: String)
        -> Copy
    {
        let files = KustomizationReaders.filesRead(by: folder)
        guard !files.isDisjoint(with: texts.keys),
            let realFolder = InputPlanner.canonicalPath(folder.path),
            let realFile = InputPlanner.canonicalPath(folder.file)
        else { return .unaffected }
        for file in files {
            let copy = root + file
            let data = texts[file].map { Data($0.utf8) } ?? FileManager.default.contents(atPath: file)
            guard let data,
                (try? FileManager.default.createDirectory(
                    atPath: (copy as NSString).deletingLastPathComponent, withIntermediateDirectories: true)) != nil,
                FileManager.default.createFile(atPath: copy, contents: data)
            else { return .failed }
        }
        return .copied(KustomizationFolder(path: root + realFolder, file: root + realFile))
    }
}
