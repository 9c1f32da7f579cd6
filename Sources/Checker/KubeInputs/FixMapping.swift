import Foundation
import KubeDiagnostics
import KubeYAML

/// Moving a fix computed on a kustomize build's output to the file the user wrote.
///
/// An edit is moved only when it provably changes the same bytes: its span is one scalar (or runs
/// from one scalar to another) of an object whose source is a resource file or a patch, the source
/// writes exactly the rendered text there (not a value a namePrefix, a label, an image, a
/// replacement or another patch made), no patch writes the field too, the file is not generated, and
/// the new text names no object kustomize renamed. Otherwise the fix stays help text saying why.
/// Helm output is never edited: a template line is not the text it renders.
extension RenderedInput {
    /// The fix's edits in source files, or why they cannot be (nil: nothing to say, as for helm).
    func sourceEdits(of fix: SuggestedFix) -> Result<[TextEdit], FixNotMoved> {
        var moved: [TextEdit] = []
        for edit in fix.edits {
            guard edit.span.file == name,
                let document = documents.last(where: {
                    $0.root.start.line <= edit.span.line && edit.span.line <= $0.endLine
                })
            else { return .failure(FixNotMoved(nil)) }
            guard case .kustomize(let resourceFile, let generatedIn, let transformedIn) = document.source else {
                return .failure(FixNotMoved(nil))
            }
            guard (edit.span.line, edit.span.column) < (edit.span.endLine, edit.span.endColumn) else {
                return .failure(FixNotMoved("its edit inserts text, and where is a guess in the sources"))
            }
            let locator = KustomizeLocator(
                document: document, resourceFile: resourceFile, generatedIn: generatedIn, transformedIn: transformedIn)
            var source: SourceSpan
            switch locator.writtenScalar(line: edit.span.line, column: edit.span.column) {
            case .success(let span): source = span
            case .failure(let reason): return .failure(reason)
            }
            let end = (edit.span.endLine, edit.span.endColumn)
            if !document.root.scalarStarts(line: edit.span.line, column: edit.span.column, endingAt: end) {
                // The edit runs on to the end of another scalar (a key and its value, two fields).
                guard let last = document.root.scalarEnding(line: end.0, column: end.1) else {
                    return .failure(FixNotMoved("its edit does not end at a value the sources write"))
                }
                switch locator.writtenScalar(line: Int(last.start.line), column: Int(last.start.column)) {
                case .success(let through) where through.file == source.file && source < through:
                    source.endLine = through.endLine
                    source.endColumn = through.endColumn
                case .success:
                    return .failure(FixNotMoved("its edit spans fields the sources write apart"))
                case .failure(let reason): return .failure(reason)
                }
            }
            guard let rendered = text.spanText(edit.span) else { return .failure(FixNotMoved(nil)) }
            guard let data = FileManager.default.contents(atPath: source.file) else {
                return .failure(FixNotMoved("\(source.file) cannot be read"))
            }
            let sourceText = String(decoding: data, as: UTF8.self)
            if let marker = generatedMarker(sourceText) {
                return .failure(
                    FixNotMoved("\(source.file) is generated (it says `\(marker)`): change what generates it"))
            }
            guard let written = sourceText.spanText(source) else { return .failure(FixNotMoved(nil)) }
            guard written == rendered else {
                // The first line that differs says it best (a name the build prefixed, a patched value).
                let pairs = zip(
                    rendered.split(separator: "\n", omittingEmptySubsequences: false),
                    written.split(separator: "\n", omittingEmptySubsequences: false))
                let (built, wrote) = pairs.first { $0 != $1 } ?? (Substring(rendered), Substring(written))
                let trim = { (text: Substring) in text.trimmingCharacters(in: .whitespaces).prefix(80) }
                return .failure(
                    FixNotMoved("the build writes `\(trim(built))` where \(source) has `\(trim(wrote))`"))
            }
            // A line break in the new text carries the rendered indentation: only where the source's is the same.
            if edit.newText.contains("\n") && source.column != edit.span.column {
                return .failure(FixNotMoved("the source is indented differently from the build"))
            }
            if let renamed = renamedNames.sorted(by: { $0.count > $1.count }).first(where: edit.newText.contains) {
                return .failure(
                    FixNotMoved(
                        "`\(renamed)` is a name kustomize made (namePrefix, nameSuffix or a generator's hash); write the name before it"
                    ))
            }
            moved.append(TextEdit(source, edit.newText, replacing: written))
        }
        return .success(moved)
    }

    /// Whether the build read `file` (a resource file, a kustomization that transformed an object, or
    /// one of its patch files): an edit there changes this build's output too.
    public func reads(_ file: String) -> Bool {
        var kustomizations: Set<String> = []
        for document in documents {
            guard case .kustomize(let resourceFile, _, let transformedIn) = document.source else { continue }
            if resourceFile == file || transformedIn.contains(file) { return true }
            kustomizations.formUnion(transformedIn)
        }
        let target = SourcePath.normalized(file)
        for kustomization in kustomizations {
            let folder = (kustomization as NSString).deletingLastPathComponent
            for patch in KustomizationFile.load(path: kustomization).patchFiles where !KustomizationFile.isRemote(patch)
            {
                if SourcePath.normalized(folder.isEmpty ? patch : folder + "/" + patch) == target { return true }
            }
        }
        return false
    }
}

/// Why a fix of rendered output stays help text: said after the help (nil: nothing worth saying).
struct FixNotMoved: Error {
    var reason: String?
    init(_ reason: String?) { self.reason = reason }
}

/// The first line of the file's head that says it is generated (helm's `# Source:`, `DO NOT EDIT`,
/// `Code generated`), trimmed; nil when none does.
func generatedMarker(_ text: String) -> String? {
    var count = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        count += 1
        if count > 10 { break }
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("#") else { continue }
        if lower.hasPrefix("# source: ") || lower.contains("do not edit") || lower.contains("code generated")
            || lower.contains("autogenerated") || lower.contains("auto-generated")
        {
            return String(trimmed.prefix(80))
        }
    }
    return nil
}

enum SourcePath {
    /// `a/./b/../c` as `a/c`, for comparing paths written relative to different folders.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}

extension KustomizeLocator {
    /// The source span of the scalar (a value, or a mapping key) starting at `line`:`column` of the
    /// rendered object, when a resource file or a patch writes it with the same value and nothing
    /// else writes it too.
    func writtenScalar(line: Int, column: Int) -> Result<SourceSpan, FixNotMoved> {
        let kind = document.root["kind"]?.scalar ?? ""
        let renderedName = document.root["metadata"]?["name"]?.scalar ?? ""
        guard var found = document.root.path(toLine: line, column: column),
            var rendered = document.root.follow(found.steps)
        else { return .failure(FixNotMoved("no line of the sources writes it as built")) }
        // A block mapping starts where its first key does: the scalar there is that key.
        while !found.isKey, rendered.node.isMapping, let first = rendered.node.pairs.first,
            first.key.start == rendered.node.start, let name = first.key.scalar
        {
            found = (found.steps + [.key(name)], true)
            rendered = (first.value, first.key)
        }
        let renderedNode = found.isKey ? rendered.key : rendered.node
        guard let renderedNode, renderedNode.isScalar else {
            return .failure(FixNotMoved("no line of the sources writes it as built"))
        }
        let renderedValue = found.isKey ? nil : renderedNode.scalar
        let inPatch = patchLocation(found, kind: kind, renderedValue: renderedValue)
        if let resourceFile, let object = Self.object(kind: kind, renderedName: renderedName, in: resourceFile),
            let match = object.root.follow(found.steps),
            let node = found.isKey ? match.key : match.node, node.isScalar, node.scalar == renderedNode.scalar,
            node.style?.isQuoted == renderedNode.style?.isQuoted
        {
            if let inPatch {
                return .failure(FixNotMoved("a patch writes it too (\(inPatch)): change it where it should be"))
            }
            return .success(sourceSpan(node, file: object.file))
        }
        if let inPatch { return .success(inPatch) }
        if generatedIn != nil && resourceFile == nil {
            return .failure(FixNotMoved("a generator makes this object: change its entry in \(generatedIn ?? "")"))
        }
        return .failure(FixNotMoved("no line of the sources writes it as built"))
    }
}

extension YAMLNode {
    /// Whether a scalar (value or key) starts at `line`:`column` and ends at `endingAt`.
    func scalarStarts(line: Int, column: Int, endingAt end: (Int, Int)) -> Bool {
        guard let node = scalarEnding(line: end.0, column: end.1) else { return false }
        return Int(node.start.line) == line && Int(node.start.column) == column
    }

    /// The scalar (value or key) of this tree that ends at `line`:`column`.
    func scalarEnding(line: Int, column: Int) -> YAMLNode? {
        let target = Mark(line: Int32(line), column: Int32(column))
        if isScalar { return end == target ? self : nil }
        guard start <= target else { return nil }
        if isMapping {
            for pair in pairs {
                if let found = pair.key.scalarEnding(line: line, column: column) { return found }
                if let found = pair.value.scalarEnding(line: line, column: column) { return found }
            }
        } else if isSequence {
            for item in items { if let found = item.scalarEnding(line: line, column: column) { return found } }
        }
        return nil
    }
}

extension String {
    /// The text `span` covers (lines end at `\n`; columns count Unicode scalars, a byte-order mark
    /// not counted, as libyaml counts them); nil when the text has no such place.
    func spanText(_ span: SourceSpan) -> String? {
        let scalars = Array(unicodeScalars)
        var starts: [Int] = [scalars.first == "\u{FEFF}" ? 1 : 0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(index + 1) }
        func offset(_ line: Int, _ column: Int) -> Int? {
            guard line >= 1, line <= starts.count, column >= 1 else { return nil }
            let lineEnd = line < starts.count ? starts[line] - 1 : scalars.count
            let offset = starts[line - 1] + column - 1
            return offset <= lineEnd ? offset : nil
        }
        guard let start = offset(span.line, span.column), let end = offset(span.endLine, span.endColumn), start <= end
        else { return nil }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }
}
