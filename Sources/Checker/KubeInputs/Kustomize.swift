import Foundation
import KubeDiagnostics
import KubeYAML

/// `kustomize build` of one deployable kustomization, through a temporary wrapper kustomization that
/// asks for origin and transformer annotations (the user's files are never touched).
public enum KustomizeBuild {
    static let originKey = "config.kubernetes.io/origin"
    static let transformationsKey = "alpha.config.kubernetes.io/transformations"

    public static func build(_ folder: KustomizationFolder, tool: RenderTools.Tool) -> RenderOutcome {
        guard let target = InputPlanner.canonicalPath(folder.path) else {
            return .failed(renderProblem(folder.file, "cannot resolve the folder \(folder.path)"))
        }
        guard let wrapper = temporaryFolder() else {
            return .failed(renderProblem(folder.file, "cannot create a temporary folder for the build"))
        }
        defer { try? FileManager.default.removeItem(atPath: wrapper) }
        let relative = relativePath(from: wrapper, to: target)
        let wrapperText = """
            # written by kubewire: builds \(target) with the origin of every object
            resources:
              - \(yamlQuoted(relative))
            buildMetadata: [originAnnotations, transformerAnnotations]

            """
        guard FileManager.default.createFile(atPath: wrapper + "/kustomization.yaml", contents: Data(wrapperText.utf8))
        else {
            return .failed(renderProblem(folder.file, "cannot write the wrapper kustomization in \(wrapper)"))
        }
        let run = ToolRun.run(tool.path, tool.prefix + ["--load-restrictor", "LoadRestrictionsNone", wrapper])
        guard run.status == 0 else {
            return buildFailure(folder, errors: run.errors, status: run.status, wrapper: wrapper, target: target)
        }
        let label = displayPath(folder.path)
        let name = "\(label) (kustomize build)"
        let raw = YAMLLoader.load(text: run.output, file: name)
        var sources: [Int: RenderedDocument.DocumentSource] = [:]
        var renamedNames: Set<String> = []
        for document in raw.documents {
            let annotations = document.root["metadata"]?["annotations"]
            let origin = annotations?[originKey]?.scalar.map { YAMLLoader.load(text: $0, file: "origin") }?
                .documents.first?.root
            let transformations =
                annotations?[transformationsKey]?.scalar.map { YAMLLoader.load(text: $0, file: "transformations") }?
                .documents.first?.root
            let resolve = { (path: String) in displayPath(URL(fileURLWithPath: wrapper + "/" + path).standardized.path)
            }
            let resourceFile = origin?["path"]?.scalar.map(resolve)
            let generatedIn = origin?["configuredIn"]?.scalar.map(resolve)
            var transformedIn: [String] = []
            var renamed = generatedIn != nil  // a generator's name gets its content hash
            for step in transformations?.items ?? [] {
                if let file = step["configuredIn"]?.scalar.map(resolve), !transformedIn.contains(file) {
                    transformedIn.append(file)
                }
                let transformer = step["configuredBy"]?["kind"]?.scalar ?? ""
                if transformer.contains("Prefix") || transformer.contains("Suffix") { renamed = true }
            }
            if renamed, let name = document.root["metadata"]?["name"]?.scalar { renamedNames.insert(name) }
            sources[document.index] = .kustomize(
                resourceFile: resourceFile, generatedIn: generatedIn, transformedIn: transformedIn)
        }
        // The annotations are kubewire's request, not the user's: the checks must not see them.
        let text = stripBuildAnnotations(run.output)
        let loaded = YAMLLoader.load(text: text, file: name)
        let lineCount = text.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) } + 1
        var documents: [RenderedDocument] = []
        for (position, document) in loaded.documents.enumerated() {
            let end =
                position + 1 < loaded.documents.count
                ? Int(loaded.documents[position + 1].root.start.line) - 1 : lineCount
            documents.append(
                RenderedDocument(
                    root: document.root, endLine: end,
                    source: sources[document.index]
                        ?? .kustomize(resourceFile: nil, generatedIn: nil, transformedIn: [displayPath(folder.file)])))
        }
        return .rendered(
            RenderedInput(
                label: label, producer: "kustomize build \(label)", name: name, text: text,
                anchorFile: displayPath(folder.file), documents: documents, renamedNames: renamedNames))
    }

    /// A build that failed: an input error with kustomize's message (the wrapper's part of it left
    /// out), or a note when what is missing is this machine's (network for remote resources, plugins).
    static func buildFailure(
        _ folder: KustomizationFolder, errors: String, status: Int32, wrapper: String, target: String
    ) -> RenderOutcome {
        let label = displayPath(folder.path)
        // kustomize prints deprecation warnings first; the error is the line that says so.
        let lines = errors.split(separator: "\n").map(String.init)
        var message =
            lines.first { $0.hasPrefix("Error: ") || $0.hasPrefix("error: ") }.map {
                String($0.drop { $0 != " " }.dropFirst())
            } ?? lines.last ?? "exit status \(status)"
        // The wrapper's own layer: "accumulating resources: accumulation err='accumulating resources
        // from '<relative>': read <target>: is a directory': [recursed accumulation of path '<target>': ]".
        for layer in ["read \(target): is a directory': ", "recursed accumulation of path '\(target)': "] {
            if let range = message.range(of: layer) { message = String(message[range.upperBound...]) }
        }
        message = message.replacingOccurrences(of: target + "/", with: label == "." ? "" : label + "/")
            .replacingOccurrences(of: "'\(target)'", with: "'\(label)'")
            .replacingOccurrences(of: wrapper + "/", with: "")
        let environmental = [
            ("dial tcp", "it loads remote resources and this machine cannot reach them"),
            ("Could not resolve host", "it loads remote resources and this machine cannot reach them"),
            ("git fetch", "it loads remote resources and this machine cannot fetch them"),
            ("external plugins disabled", "it runs kustomize plugins or KRM functions, which kubewire does not run"),
            (
                "must specify --enable-helm",
                "it inflates Helm charts (helmCharts), which kubewire does not do inside a build"
            ),
        ]
        if let (_, reason) = environmental.first(where: { message.contains($0.0) }) {
            return .notRendered(notRendered(folder.file, "kustomization \(label) was not checked: \(reason)"))
        }
        // A file the repository's .gitignore keeps out (a configMapGenerator's `.env`, generated
        // secrets) is made where it is deployed: its absence here is expected, not a broken build.
        if let missing = GitIgnore.missingFile(in: errors).map({ $0.hasPrefix("/") ? $0 : target + "/" + $0 }),
            GitIgnore.ignores(missing)
        {
            let shown = missing.hasPrefix(target + "/") ? String(missing.dropFirst(target.count + 1)) : missing
            return .notRendered(
                notRendered(
                    folder.file,
                    "kustomization \(label) was not checked: it reads \(shown), which .gitignore keeps out of the repository (it is made where the kustomization is deployed)"
                ))
        }
        var problem = renderProblem(folder.file, "kustomize cannot build \(label): \(message)")
        // The entry the message names (`missing.yaml`, a patch path), when the kustomization has one.
        if let root = KustomizationFile.load(path: folder.file).root,
            let entry = mentionedEntry(in: root, message: message)
        {
            problem.span = sourceSpan(entry, file: displayPath(folder.file))
        }
        return .failed(problem)
    }

    /// The longest path-like scalar of the kustomization that the message quotes.
    static func mentionedEntry(in node: YAMLNode, message: String) -> YAMLNode? {
        var best: YAMLNode?
        func visit(_ node: YAMLNode) {
            if node.isMapping {
                for pair in node.pairs { visit(pair.value) }
            } else if node.isSequence {
                node.items.forEach(visit)
            } else if let text = node.scalar, text.count > 2, text.contains(".") || text.contains("/"),
                message.contains(text.hasPrefix("./") ? String(text.dropFirst(2)) : text),
                text.count > (best?.scalar?.count ?? 0)
            {
                best = node
            }
        }
        visit(node)
        return best
    }

    /// The text without the origin and transformation annotations (and without an `annotations:`
    /// they leave empty). kustomize prints them as literal blocks indented under the key.
    static func stripBuildAnnotations(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        kept.reserveCapacity(lines.count)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix(originKey + ":") || trimmed.hasPrefix(transformationsKey + ":") {
                let indent = line.count - trimmed.count
                index += 1
                while index < lines.count, !lines[index].isEmpty, lines[index].prefix { $0 == " " }.count > indent {
                    index += 1
                }
                continue
            }
            kept.append(line)
            index += 1
        }
        // Drop `annotations:` lines nothing is nested under any more.
        var result: [Substring] = []
        for (position, line) in kept.enumerated() {
            let trimmed = line.drop { $0 == " " }
            if trimmed == "annotations:" {
                let indent = line.count - trimmed.count
                let next = position + 1 < kept.count ? kept[position + 1] : ""
                if next.prefix(while: { $0 == " " }).count <= indent { continue }
            }
            result.append(line)
        }
        return result.joined(separator: "\n")
    }

    static func yamlQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// What became of one kustomization or chart.
public enum RenderOutcome: Sendable {
    case rendered(RenderedInput)
    /// The tool refused the input (a missing resource, a template error): an input error, exit 2.
    case failed(Diagnostic)
    /// It could not be rendered here (no tool, dependencies not fetched): a note, not checked.
    case notRendered(Diagnostic)
}

func renderProblem(_ file: String, _ message: String) -> Diagnostic {
    Diagnostic(
        ruleID: InputProblem.renderFailed.id, severity: .error,
        span: SourceSpan(file: displayPath(file), line: 1, column: 1),
        message: message)
}

func temporaryFolder() -> String? {
    var template = Array((NSTemporaryDirectory() + "/kubewire-render-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
        guard let base = buffer.baseAddress else { return false }
        return mkdtemp(base) != nil
    }
    guard made else { return nil }
    let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return InputPlanner.canonicalPath(path) ?? path
}

/// `to` relative to the folder `from` (both absolute).
func relativePath(from: String, to: String) -> String {
    let a = from.split(separator: "/")
    let b = to.split(separator: "/")
    var common = 0
    while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
    let ups = Array(repeating: "..", count: a.count - common)
    return (ups + b[common...].map(String.init)).joined(separator: "/")
}

/// An absolute path inside the current folder as a relative one (as the user typed it), else as is.
func displayPath(_ path: String) -> String {
    guard path.hasPrefix("/") else {
        let parts = path.split(separator: "/").filter { $0 != "." }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
    let cwd =
        InputPlanner.canonicalPath(FileManager.default.currentDirectoryPath) ?? FileManager.default.currentDirectoryPath
    let resolved = InputPlanner.canonicalPath(path) ?? path
    if resolved.hasPrefix(cwd + "/") { return String(resolved.dropFirst(cwd.count + 1)) }
    return resolved
}

/// Finds a rendered field in the files kustomize read: the resource file, then the patches of the
/// kustomizations that transformed it, then their own fields (namespace, labels), else the object.
struct KustomizeLocator {
    var document: RenderedDocument
    var resourceFile: String?
    var generatedIn: String?
    var transformedIn: [String]

    func locate(_ span: SourceSpan, in input: RenderedInput) -> (span: SourceSpan, exact: Bool, note: String?) {
        let kind = document.root["kind"]?.scalar ?? ""
        let renderedName = document.root["metadata"]?["name"]?.scalar ?? ""
        let found = document.root.path(toLine: span.line, column: span.column)
        let renderedNode = found.flatMap { document.root.follow($0.steps) }
        let renderedValue = renderedNode.flatMap { found?.isKey == true ? nil : $0.node.scalar }
        let built = "as built by `\(input.producer)`"

        // A list or mapping a patch writes is shown there: its items are the patch's (merged with the base's).
        if let found, renderedValue == nil, !found.isKey,
            let inPatch = patchLocation(found, kind: kind, renderedValue: nil)
        {
            return (inPatch, false, nil)
        }
        // 1. The resource file's object, found by kind and its name before prefixes and suffixes.
        var sourceObject: (file: String, root: YAMLNode)?
        if let resourceFile {
            sourceObject = Self.object(kind: kind, renderedName: renderedName, in: resourceFile)
            if let object = sourceObject, let found, let match = object.root.follow(found.steps) {
                if found.isKey, let key = match.key { return (sourceSpan(key, file: object.file), true, nil) }
                if let value = renderedValue, let written = match.node.scalar {
                    // `"8080"` and `8080` are one scalar text but not one value: a patch may have quoted it.
                    let sameStyle = match.node.style?.isQuoted == renderedNode?.node.style?.isQuoted
                    if written == value && sameStyle { return (sourceSpan(match.node, file: object.file), true, nil) }
                    // A name kustomize prefixed, suffixed or hashed: the user wrote the inner part.
                    if !written.isEmpty && value.contains(written) && Self.isNameField(found.steps) {
                        return (sourceSpan(match.node, file: object.file), false, nil)
                    }
                } else if renderedValue == nil && !match.node.isScalar {
                    return (sourceSpan(match.node, file: object.file), true, nil)
                }
            }
        }
        // 2. A patch of a kustomization that transformed it set the field.
        if let found, let inPatch = patchLocation(found, kind: kind, renderedValue: renderedValue) {
            return (inPatch, true, nil)
        }
        // 3. A generated ConfigMap or Secret: its generator entry (a literal's own line for its key).
        if let generatedIn {
            let file = KustomizationFile.load(path: generatedIn)
            if let generator = file.generators.first(where: { $0.kind == kind && renderedName.contains($0.name) }) {
                if let found, found.steps.count == 2, case .key(let key) = found.steps[1],
                    let literal = generator.literals.first(where: { $0.scalar?.hasPrefix(key + "=") == true })
                {
                    return (sourceSpan(literal, file: generatedIn), false, nil)
                }
                return (sourceSpan(generator.node, file: generatedIn), false, "generated \(built)")
            }
        }
        // 4. A field a kustomization set itself (namespace, labels, images), written with this value.
        if let found, let value = renderedValue, case .key(let last)? = found.steps.last {
            for kustomization in transformedIn {
                guard let root = KustomizationFile.load(path: kustomization).root else { continue }
                if let node = Self.pair(key: last, value: value, in: root) {
                    return (sourceSpan(node, file: kustomization), true, nil)
                }
                // `replicas: [{name, count}]` and `images: [{name, newName, newTag, digest}]` write the
                // value under other keys.
                if found.steps == [.key("spec"), .key("replicas")],
                    let entry = (root["replicas"]?.items ?? []).first(where: {
                        $0["name"]?.scalar.map { renderedName.contains($0) } ?? false
                    }), let count = entry["count"], count.scalar == value
                {
                    return (sourceSpan(count, file: kustomization), true, nil)
                }
                if last == "image",
                    let entry = (root["images"]?.items ?? []).first(where: { entry in
                        entry["name"]?.scalar.map {
                            value.hasPrefix($0) || (entry["newName"]?.scalar).map(value.hasPrefix) == true
                        } ?? false
                    }),
                    let node = entry["digest"] ?? entry["newTag"] ?? entry["newName"]
                {
                    return (sourceSpan(node, file: kustomization), false, nil)
                }
            }
        }
        // 5. No line of the sources writes it: the source object, with what the build made of it.
        let quoted = (input.text.line(span.line) ?? "").trimmingCharacters(in: .whitespaces)
        let note = "\(built): `\(quoted.prefix(120))`"
        if let object = sourceObject {
            let anchor = object.root["metadata"]?["name"] ?? object.root.keyNode("kind") ?? object.root
            return (sourceSpan(anchor, file: object.file), false, note)
        }
        return (SourceSpan(file: transformedIn.first ?? input.anchorFile, line: 1, column: 1), false, note)
    }

    /// The node of a patch of the transforming kustomizations at the same path (with the same value).
    func patchLocation(_ found: (steps: [PathStep], isKey: Bool), kind: String, renderedValue: String?) -> SourceSpan? {
        /// The node of `root` at the found path, if it writes the rendered field.
        func match(in root: YAMLNode) -> YAMLNode? {
            guard root["kind"]?.scalar == kind, let match = root.follow(found.steps) else { return nil }
            if found.isKey { return match.key }
            if let value = renderedValue { return match.node.scalar == value ? match.node : nil }
            return match.node.isScalar ? nil : match.node
        }
        for kustomization in transformedIn {
            let folder = (kustomization as NSString).deletingLastPathComponent
            let file = KustomizationFile.load(path: kustomization)
            for patch in file.patchFiles where !KustomizationFile.isRemote(patch) {
                let path = folder.isEmpty ? patch : folder + "/" + patch
                for document in YAMLLoader.load(path: path).documents {
                    if let node = match(in: document.root) { return sourceSpan(node, file: path) }
                }
            }
            // A patch written inline as a literal block (`patch: |-`): its lines are the file's lines
            // after the indicator, shifted by the block's indentation.
            for block in file.inlinePatches {
                guard let text = block.scalar else { continue }
                for document in YAMLLoader.load(text: text, file: "inline patch").documents {
                    guard let node = match(in: document.root) else { continue }
                    let firstLine = Int(block.start.line) + 1
                    let indent =
                        ((try? String(contentsOfFile: kustomization, encoding: .utf8))?.line(firstLine))?
                        .indentation ?? 0
                    let inner = sourceSpan(node, file: kustomization)
                    return SourceSpan(
                        file: kustomization, line: firstLine + inner.line - 1, column: inner.column + indent,
                        endLine: firstLine + inner.endLine - 1, endColumn: inner.endColumn + indent)
                }
            }
        }
        return nil
    }

    static func isNameField(_ steps: [PathStep]) -> Bool {
        guard case .key(let last)? = steps.last else { return false }
        return last == "name" || last == "claimName" || last == "secretName" || last == "serviceName"
    }

    /// The document of `file` of this kind whose name the rendered name contains (the longest such).
    static func object(kind: String, renderedName: String, in file: String) -> (file: String, root: YAMLNode)? {
        let documents = YAMLLoader.load(path: file).documents.filter { $0.root["kind"]?.scalar == kind }
        let named = documents.compactMap { document -> (Int, YAMLNode)? in
            guard let name = document.root["metadata"]?["name"]?.scalar, renderedName.contains(name) else { return nil }
            return (name.count, document.root)
        }
        if let best = named.max(by: { $0.0 < $1.0 }) { return (file, best.1) }
        return documents.count == 1 ? (file, documents[0].root) : nil
    }

    /// The value node of the first `key: value` pair anywhere below `node`.
    static func pair(key: String, value: String, in node: YAMLNode) -> YAMLNode? {
        if node.isMapping {
            for pair in node.pairs {
                if pair.key.scalar == key, pair.value.scalar == value { return pair.value }
                if let inner = self.pair(key: key, value: value, in: pair.value) { return inner }
            }
        } else if node.isSequence {
            for item in node.items { if let inner = pair(key: key, value: value, in: item) { return inner } }
        }
        return nil
    }
}
