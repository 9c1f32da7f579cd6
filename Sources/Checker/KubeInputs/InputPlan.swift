import Foundation
import KubeDiagnostics
import KubeYAML

/// What the paths on a command line mean: plain manifest files, Kustomize roots to build, Helm charts
/// to render, and the files kubewire leaves alone (and why).
public struct InputPlan: Sendable {
    /// A manifest file to read as it is.
    public struct PlainFile: Hashable, Sendable {
        public var path: String
        /// Named on the command line (checked as given) rather than found by walking a folder
        /// (skipped when it holds no Kubernetes object).
        public var isExplicit: Bool
    }

    /// A YAML file a walk found that is not a manifest of its own, and why.
    public struct SetAsideFile: Hashable, Sendable {
        public enum Reason: Hashable, Sendable {
            /// In a kuttl or chainsaw test folder: assert and error files hold partial objects the
            /// harness matches against the cluster, and its steps patch objects other steps create.
            case testHarness
            /// Below a kustomization that does not list it, and a patch by its look (partial
            /// objects, `$patch`, a `patches/` folder): kubebuilder scaffolds such patches and
            /// leaves them commented out of kustomization.yaml.
            case unusedPatch
        }
        public var path: String
        public var reason: Reason
    }

    public var plainFiles: [PlainFile] = []
    /// Files found by walking that are left unchecked (named files are always checked).
    public var setAsideFiles: [SetAsideFile] = []
    /// Kustomizations no other kustomization of the inputs includes: each is built on its own.
    public var kustomizations: [KustomizationFolder] = []
    /// Manifest files in a kustomization's own folder that no kustomization of the inputs lists
    /// (`# - service_account.yaml`, commented out because the object is made another way). Never
    /// checked or reported: only the names they define are evidence (`DeployUnitNames`), since what
    /// they define may well exist in the cluster.
    public var unlistedKustomizationFiles: [String] = []
    public var charts: [ChartFolder] = []
    /// Problems with the paths themselves (missing, unreadable): exit 2.
    public var problems: [Diagnostic] = []
    /// The real paths of the plain files the walk found as regular files (the folder listing said
    /// so, and their folder's real path is known): whoever reads them needs no stat or realpath.
    public var walkedRegularFiles: [String: String] = [:]
}

/// A folder holding `kustomization.yaml`, `kustomization.yml` or `Kustomization`.
public struct KustomizationFolder: Hashable, Sendable {
    /// The folder as the user spelt it (or as found below a folder they named).
    public var path: String
    /// The kustomization file inside it.
    public var file: String
}

/// A folder holding `Chart.yaml`.
public struct ChartFolder: Hashable, Sendable {
    public var path: String
    public var chartFile: String
}

public enum InputPlanner {
    public static let kustomizationFileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
    /// Folders a walk never enters: dependencies, and test data (Go's convention: inputs of a
    /// program's tests, often invalid on purpose), not the project's manifests.
    public static let skippedFolderNames: Set<String> = ["node_modules", "vendor", "testdata"]

    /// The plan for `paths` (files and folders; `-` is the caller's business).
    public static func plan(_ paths: [String]) -> InputPlan {
        var plan = InputPlan()
        var walk = Walk()
        for path in paths {
            var status = stat()
            guard stat(path, &status) == 0 else {
                let reason = errno == ENOENT ? "no such file or directory" : String(cString: strerror(errno))
                plan.problems.append(unreadable(path, reason))
                continue
            }
            if status.st_mode & S_IFMT == S_IFDIR {
                let folder = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
                guard walk.folder(folder, explicit: true) else {
                    plan.problems.append(
                        unreadable(path, "cannot list this directory: \(String(cString: strerror(errno)))"))
                    continue
                }
            } else {
                walk.explicitFile(path)
            }
        }
        // Files and folders the kustomizations of the inputs use are theirs, never objects alone;
        // a kustomization another one includes is built as part of it.
        var usedFiles = Set<String>()
        var includedFolders = Set<String>()
        for folder in walk.kustomizations {
            let references = KustomizationFile.load(path: folder.file).localReferences(in: folder.path)
            for reference in references {
                guard let resolved = canonicalPath(reference) else { continue }
                if isDirectory(resolved) { includedFolders.insert(resolved) } else { usedFiles.insert(resolved) }
            }
        }
        // A Component is built only into the kustomizations that list it, never alone.
        plan.kustomizations = walk.kustomizations.filter { folder in
            !KustomizationFile.load(path: folder.file).isComponent
                && (canonicalPath(folder.path).map { !includedFolders.contains($0) } ?? true)
        }
        plan.charts = walk.charts
        var realPaths = walk.realPaths
        plan.unlistedKustomizationFiles = walk.kustomizationFolderFiles.filter { file in
            realPaths.resolve(file).map { !usedFiles.contains($0) } ?? false
        }
        // The walk's files with the real paths their folder listings gave (nil: not known without a
        // system call), less those a kustomization uses. With no kustomization, none is resolved.
        var kept: [(file: InputPlan.PlainFile, listedRealPath: String?)] = []
        kept.reserveCapacity(walk.files.count)
        for (file, listedRealPath) in zip(walk.files, walk.listedRealPaths) {
            if !usedFiles.isEmpty, let real = listedRealPath ?? realPaths.resolve(file.path), usedFiles.contains(real) {
                continue
            }
            kept.append((file, listedRealPath))
        }
        // A harness file also named on the command line is checked.
        plan.setAsideFiles = walk.harnessFiles.filter { walk.seenFiles[realPaths.resolve($0) ?? $0] == nil }.map {
            InputPlan.SetAsideFile(path: $0, reason: .testHarness)
        }
        // A walked file below a kustomization's folder that no kustomization lists is either a
        // manifest applied on its own or a patch nobody uses: it is the latter when it reads as one.
        let kustomizationFolders = walk.kustomizations.compactMap { canonicalPath($0.path) }
        var unusedPatches: [InputPlan.SetAsideFile] = []
        kept.removeAll { file, listedRealPath in
            guard !file.isExplicit, !kustomizationFolders.isEmpty,
                let resolved = listedRealPath ?? realPaths.resolve(file.path),
                kustomizationFolders.contains(where: { resolved.hasPrefix($0 == "/" ? "/" : $0 + "/") }),
                isUnusedPatch(file.path)
            else { return false }
            unusedPatches.append(InputPlan.SetAsideFile(path: file.path, reason: .unusedPatch))
            return true
        }
        plan.setAsideFiles += unusedPatches
        plan.plainFiles = kept.map(\.file)
        plan.walkedRegularFiles.reserveCapacity(kept.count)
        for (file, listedRealPath) in kept where !file.isExplicit {
            if let listedRealPath { plan.walkedRegularFiles[file.path] = listedRealPath }
        }
        return plan
    }

    /// Workload kinds whose objects cannot be created without `spec.template` and `spec.selector`.
    static let kindsNeedingTemplate: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]

    /// Whether a file reads as a kustomize patch rather than objects to apply: it sits in a
    /// `patches` folder, uses the `$patch` directive, or holds an object too partial to create
    /// (a CustomResourceDefinition without group, names or versions; a workload without its pod
    /// template or selector).
    static func isUnusedPatch(_ path: String) -> Bool {
        let folderName = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
        if folderName == "patches" { return true }
        let loaded = YAMLLoader.load(path: path)
        return loaded.documents.contains { document in
            let root = document.root
            if hasPatchDirective(root, depth: 0) { return true }
            let spec = root["spec"]
            switch root["kind"]?.scalar {
            case "CustomResourceDefinition":
                return spec?["group"] == nil || spec?["names"] == nil || spec?["versions"] == nil
            case let kind? where kindsNeedingTemplate.contains(kind):
                return spec?["template"] == nil || spec?["selector"] == nil
            case "Job":
                return spec?["template"] == nil
            default:
                return false
            }
        }
    }

    /// A `$patch` key (strategic merge: delete, replace) anywhere in the document.
    private static func hasPatchDirective(_ node: YAMLNode, depth: Int) -> Bool {
        guard depth < 64 else { return false }
        if node.isMapping {
            return node.pairs.contains { pair in
                pair.key.scalar == "$patch" || hasPatchDirective(pair.value, depth: depth + 1)
            }
        }
        return node.items.contains { hasPatchDirective($0, depth: depth + 1) }
    }

    /// The path with symbolic links, `.`, `..` and doubled slashes resolved: two spellings of one
    /// file compare equal. Nil when the path does not exist.
    public static func canonicalPath(_ path: String) -> String? {
        RealPaths.realpath(path)
    }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    static func unreadable(_ path: String, _ reason: String) -> Diagnostic {
        Diagnostic(
            ruleID: InputProblem.unreadable.id, severity: .error, span: SourceSpan(file: path, line: 1, column: 1),
            message: "cannot read \(path): \(reason)")
    }

    /// The folders and files seen so far, each once by its resolved path.
    private struct Walk {
        var files: [InputPlan.PlainFile] = []
        /// Beside `files`: each one's real path when the folder listing said it is a regular file
        /// and its folder's real path is known (no system call to learn it).
        var listedRealPaths: [String?] = []
        var kustomizations: [KustomizationFolder] = []
        var charts: [ChartFolder] = []
        var harnessFiles: [String] = []
        /// The manifest files directly in a kustomization's folder (listed by it or not).
        var kustomizationFolderFiles: [String] = []
        var seenFiles: [String: Int] = [:]
        var seenFolders = Set<String>()
        /// Every file's resolved path, its folder resolved once.
        var realPaths = RealPaths()

        mutating func explicitFile(_ path: String) {
            let name = (path as NSString).lastPathComponent
            let folder = (path as NSString).deletingLastPathComponent
            let folderPath = folder.isEmpty ? "." : folder
            // A kustomization or Chart.yaml named alone stands for its folder: it is not an object.
            if InputPlanner.kustomizationFileNames.contains(name) || name == "Chart.yaml" {
                _ = self.folder(folderPath, explicit: true, only: true)
                return
            }
            // A resource or patch its folder's kustomization uses (a pre-commit hook names the staged
            // files): the kustomization is built instead, as it would be deployed.
            if let kustomization = InputPlanner.kustomizationFileNames.map({ folderPath + "/" + $0 }).first(where: {
                FileManager.default.fileExists(atPath: $0)
            }), let file = InputPlanner.canonicalPath(path),
                KustomizationFile.load(path: kustomization).localReferences(in: folderPath).contains(where: {
                    InputPlanner.canonicalPath($0) == file
                })
            {
                _ = self.folder(folderPath, explicit: true, only: true)
                return
            }
            add(path, explicit: true)
        }

        /// `real`: the file's real path when the walk knows it (a regular file in a folder whose real
        /// path is known), so it costs no system call.
        mutating func add(_ path: String, explicit: Bool, real: String? = nil) {
            let key = real ?? realPaths.resolve(path) ?? path
            // One hash of the key: the modify accessor inserts `files.count` only when it is absent.
            let index = Self.value(&seenFiles[key, default: files.count])
            guard index == files.count else {
                if explicit { files[index].isExplicit = true }
                if listedRealPaths[index] == nil, files[index].path == path { listedRealPaths[index] = real }
                return
            }
            files.append(InputPlan.PlainFile(path: path, isExplicit: explicit))
            listedRealPaths.append(real)
        }

        @inline(__always) private static func value(_ index: inout Int) -> Int { index }

        /// Walks `path`; `only` stops after classifying the folder itself (a named kustomization file).
        /// `inTestHarness`: below a test folder, whose sub-folders hold the files its steps name
        /// (chainsaw's `file: resources/rbac.yaml`, templated with `($namespace)`).
        /// `real`: the folder's real path when the walk knows it (a folder, not a link to one, in a
        /// folder whose real path is known).
        mutating func folder(
            _ path: String, explicit: Bool, only: Bool = false, inTestHarness: Bool = false, real: String? = nil
        ) -> Bool {
            guard let entries = Self.list(path) else { return false }
            let real = real ?? InputPlanner.canonicalPath(path)
            guard seenFolders.insert(real ?? path).inserted else { return true }
            let join = { (name: String) in path == "." ? name : Self.path(path, name) }
            // The real path of an entry that is no link: its folder's and its name.
            let realJoin = { (name: String) in real.map { Self.path($0, name) } }
            if entries.contains(where: { $0.name == "Chart.yaml" && !$0.isFolder }) {
                // Everything below a chart is the chart's: templates are not YAML until helm renders them.
                // A library chart deploys nothing on its own (helm refuses to render it).
                let chartFile = join("Chart.yaml")
                if YAMLLoader.load(path: chartFile).documents.first?.root["type"]?.scalar != "library" {
                    charts.append(ChartFolder(path: path, chartFile: chartFile))
                }
                return true
            }
            if let file = InputPlanner.kustomizationFileNames.first(where: { name in
                entries.contains { $0.name == name && !$0.isFolder }
            }) {
                // The folder's own YAML files are its resources and patches; sub-folders are walked
                // (they may hold other kustomizations, or plain manifests it does not use).
                kustomizations.append(KustomizationFolder(path: path, file: join(file)))
                for entry in entries
                where !entry.isFolder && Self.isManifestFileName(entry.name)
                    && !InputPlanner.kustomizationFileNames.contains(entry.name)
                {
                    kustomizationFolderFiles.append(join(entry.name))
                }
                if only { return true }
                for entry in entries where entry.isFolder && Self.walkable(entry.name) {
                    _ = folder(join(entry.name), explicit: false, real: realJoin(entry.name))
                }
                return true
            }
            if only { return true }
            let isTestFolder =
                inTestHarness || entries.contains { !$0.isFolder && Self.isTestHarnessFileName($0.name) }
            for entry in entries {
                if entry.isFolder {
                    if Self.walkable(entry.name) {
                        _ = folder(
                            join(entry.name), explicit: false, inTestHarness: isTestFolder, real: realJoin(entry.name))
                    }
                } else if Self.isManifestFileName(entry.name) {
                    if isTestFolder {
                        harnessFiles.append(join(entry.name))
                    } else {
                        add(join(entry.name), explicit: false, real: entry.isLink ? nil : realJoin(entry.name))
                    }
                }
            }
            return true
        }

        /// `folder/name` (`/name` in the root), built in one allocation: the walk makes two a file.
        static func path(_ folder: String, _ name: String) -> String {
            let separator = folder == "/" ? 0 : 1
            var folder = folder
            var name = name
            return folder.withUTF8 { folderBytes in
                name.withUTF8 { nameBytes in
                    String(unsafeUninitializedCapacity: folderBytes.count + separator + nameBytes.count) { buffer in
                        var end = buffer.initialize(fromContentsOf: folderBytes)
                        if separator == 1 {
                            buffer[end] = UInt8(ascii: "/")
                            end += 1
                        }
                        end = buffer[end...].initialize(fromContentsOf: nameBytes)
                        return end
                    }
                }
            }
        }

        /// A chainsaw test's own file. Not kuttl's `kuttl-test.yaml`: that TestSuite often sits at the
        /// repository root (`kubectl kuttl test` reads it from the working folder), above everything.
        static let harnessFileNames: Set<String> = ["chainsaw-test.yaml", "chainsaw-test.yml"]

        /// A file that makes its folder a test harness's: a chainsaw test's `chainsaw-test.yaml`, or a
        /// kuttl step's `00-assert.yaml`, `01-errors.yaml` (kuttl names steps by a numeric prefix).
        /// Every YAML file in such a folder is the harness's input, applied or matched step by step,
        /// often partial on purpose. Asked of every walked file: a first byte that fits neither kind
        /// answers without hashing the name.
        static func isTestHarnessFileName(_ name: String) -> Bool {
            switch name.utf8.first {
            case UInt8(ascii: "c")?: return harnessFileNames.contains(name)
            case (UInt8(ascii: "0")...UInt8(ascii: "9"))?: return isKuttlAssertOrError(name)
            default: return false
            }
        }

        /// `NN-assert*.yaml`, `NN-error*.yaml`, `NN-errors*.yaml`.
        static func isKuttlAssertOrError(_ name: String) -> Bool {
            let digits = name.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, name.dropFirst(digits.count).first == "-" else { return false }
            let rest = name.dropFirst(digits.count + 1)
            return (rest.hasPrefix("assert") || rest.hasPrefix("error"))
                && (rest.hasSuffix(".yaml") || rest.hasSuffix(".yml"))
        }

        /// What `kubectl apply -f DIR` reads (as `ManifestLoader.isManifestFileName`): JSON too.
        static func isManifestFileName(_ name: String) -> Bool {
            name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")
        }

        static func walkable(_ name: String) -> Bool {
            !name.hasPrefix(".") && !InputPlanner.skippedFolderNames.contains(name)
        }

        /// The entries of a folder, sorted, hidden ones left out; symbolic links to files count as
        /// files (`isLink`), links to folders are not followed (no cycles).
        static func list(_ path: String) -> [(name: String, isFolder: Bool, isLink: Bool)]? {
            guard let stream = opendir(path) else { return nil }
            defer { closedir(stream) }
            var entries: [(name: String, isFolder: Bool, isLink: Bool)] = []
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard !name.hasPrefix(".") else { continue }
                // Joined only for the few entries that need a system call.
                var full: String { path == "/" ? "/" + name : path + "/" + name }
                // readdir says most entries' types; lstat only where the file system does not.
                var type = mode_t(0)
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_DIR): type = S_IFDIR
                case Int32(DT_REG): type = S_IFREG
                case Int32(DT_LNK): type = S_IFLNK
                case Int32(DT_UNKNOWN):
                    var status = stat()
                    guard lstat(full, &status) == 0 else { continue }
                    type = status.st_mode & S_IFMT
                default: continue
                }
                switch type {
                case S_IFDIR: entries.append((name, true, false))
                case S_IFREG: entries.append((name, false, false))
                case S_IFLNK:
                    var target = stat()
                    if stat(full, &target) == 0, target.st_mode & S_IFMT == S_IFREG {
                        entries.append((name, false, true))
                    }
                default: continue
                }
            }
            return entries.sorted { $0.name < $1.name }
        }
    }
}
