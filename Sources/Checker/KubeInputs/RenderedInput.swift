import Foundation
import KubeDiagnostics
import KubeYAML

/// Manifests a tool printed (`kustomize build`, `helm template`), with the way back from each
/// rendered object to the files the user wrote. Rendered text is never shown: every span is
/// rewritten to a source line, or to the source object with the rendered value quoted.
public struct RenderedInput: Sendable {
    /// The folder as the user knows it (`overlays/prod`, `charts/web`), for messages.
    public var label: String
    /// What produced the text (`kustomize build overlays/prod`), for notes.
    public var producer: String
    /// The name the rendered text is loaded under; it never reaches a report.
    public var name: String
    public var text: String
    /// Where the unit itself is written (its kustomization file or Chart.yaml).
    public var anchorFile: String
    let documents: [RenderedDocument]
    /// Names of objects kustomize renamed (namePrefix, nameSuffix, a generator's hash): a fix whose
    /// new text holds one was computed on the build's names, not the ones the sources write.
    var renamedNames: Set<String> = []

    /// `span` of the rendered text as a span of a source file, with whether the source holds exactly
    /// the rendered value there (only then may a fix edit it).
    func locate(_ span: SourceSpan) -> (span: SourceSpan, exact: Bool, note: String?) {
        guard span.file == name,
            let document = documents.last(where: { $0.root.start.line <= span.line && span.line <= $0.endLine })
        else {
            return (SourceSpan(file: anchorFile, line: 1, column: 1), false, nil)
        }
        return document.locate(span, in: self)
    }

    /// `text` with each `name:line:column` of the rendered text replaced by its source position.
    func rewritePositions(_ text: String) -> String {
        guard text.contains(name + ":") else { return text }
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: name + ":") {
            result += rest[..<range.lowerBound]
            var after = rest[range.upperBound...]
            let line = after.prefix { $0.isNumber }
            after = after.dropFirst(line.count)
            var column: Substring = ""
            if after.first == ":" {
                column = after.dropFirst().prefix { $0.isNumber }
                if !column.isEmpty { after = after.dropFirst(1 + column.count) }
            }
            if let number = Int(line) {
                result += locate(SourceSpan(file: name, line: number, column: Int(column) ?? 1)).span.description
            } else {
                result += name + ":"
            }
            rest = after
        }
        return result + rest
    }

    /// Whether the diagnostic's own span lands on a source line that writes the rendered value: only
    /// such findings are merged across overlays (a fallback to the object could join different fields).
    public func locatesExactly(_ diagnostic: Diagnostic) -> Bool {
        diagnostic.span.map { locate($0).exact } ?? false
    }

    /// The diagnostic with its span, notes and fix rewritten to source files.
    public func mapToSource(_ diagnostic: Diagnostic) -> Diagnostic {
        var mapped = diagnostic
        mapped.message = rewritePositions(diagnostic.message)
        var extraNotes: [DiagnosticNote] = []
        if let span = diagnostic.span {
            let located = locate(span)
            mapped.span = located.span
            if let note = located.note { extraNotes.append(DiagnosticNote(note)) }
        }
        mapped.notes = diagnostic.notes.map { note in
            guard let span = note.span else { return DiagnosticNote(rewritePositions(note.message)) }
            let located = locate(span)
            var message = rewritePositions(note.message)
            if let extra = located.note { message += " (\(extra))" }
            return DiagnosticNote(message, at: located.span)
        }
        if let fix = diagnostic.fix {
            // The edit was computed on rendered text: it goes to the source only where the source
            // provably writes the same bytes (FixMapping); else it is said, never applied.
            var said = rewritePositions(fix.message)
            if let replacement = fix.replacement, fix.span != nil, !replacement.isEmpty, !said.contains(replacement) {
                said += " (`\(replacement)`)"
            }
            if fix.edits.isEmpty {
                mapped.fix = SuggestedFix(said)
            } else {
                switch sourceEdits(of: fix) {
                case .success(let edits):
                    let help = Self.renumbered(rewritePositions(fix.message), from: fix.edits, to: edits)
                    mapped.fix = SuggestedFix(help, edits: edits, applicability: fix.applicability)
                case .failure(let notMoved):
                    said = Self.renumbered(said, from: fix.edits, to: nil)
                    if let reason = notMoved.reason { said = Self.cannotMake(said, because: reason) }
                    mapped.fix = SuggestedFix(said)
                }
            }
        }
        mapped.notes = extraNotes + mapped.notes
        return mapped
    }
}

extension RenderedInput {
    /// A finding of another graph that points into this rendered text (a `--context` kustomization's
    /// Service named in a note): those notes, and positions of this text quoted in its message and
    /// notes, rewritten to source files; the finding's own span and fix stay.
    public func mapMentionsToSource(_ diagnostic: Diagnostic) -> Diagnostic {
        var mapped = diagnostic
        mapped.message = rewritePositions(diagnostic.message)
        mapped.notes = diagnostic.notes.map { note in
            let message = rewritePositions(note.message)
            guard let span = note.span, span.file == name else { return DiagnosticNote(message, at: note.span) }
            let located = locate(span)
            return DiagnosticNote(message + (located.note.map { " (\($0))" } ?? ""), at: located.span)
        }
        // A did-you-mean says where the near name is defined; its edit is in the inputs' own file.
        mapped.fix?.help = rewritePositions(diagnostic.fix?.help ?? "")
        return mapped
    }

    /// The help of a fix kubewire does not make, with why.
    public static func cannotMake(_ help: String, because reason: String) -> String {
        help + (help.hasSuffix("?") ? " " : "; ") + "kubewire cannot make this edit: " + reason
    }

    /// `help` with the rendered line numbers of an edit ("(lines 41–42)") as the source's, or left
    /// out when the edit has no source lines.
    static func renumbered(_ help: String, from rendered: [TextEdit], to source: [TextEdit]?) -> String {
        guard rendered.count == 1 else { return help }
        func lines(_ span: SourceSpan) -> String {
            span.endLine > span.line ? "lines \(span.line)–\(span.endLine)" : "line \(span.line)"
        }
        let said = " (\(lines(rendered[0].span)))"
        guard help.contains(said) else { return help }
        guard let source = source?.first?.span else { return help.replacingOccurrences(of: said, with: "") }
        return help.replacingOccurrences(of: said, with: " (\(lines(source)))")
    }
}

/// One object of the rendered text and how to find its fields in the sources.
struct RenderedDocument: Sendable {
    var root: YAMLNode
    var endLine: Int
    var source: DocumentSource

    enum DocumentSource: Sendable {
        /// A kustomize object: its resource file (nil for generated objects), the kustomization
        /// that generated it, and the kustomizations that transformed it.
        case kustomize(resourceFile: String?, generatedIn: String?, transformedIn: [String])
        /// A helm object: its template and, per rendered line, the template line that is literally it.
        case helm(template: String, literalLines: [Int: Int], templatedLines: [Int: Int], templateLines: [String])
    }

    func locate(_ span: SourceSpan, in input: RenderedInput) -> (span: SourceSpan, exact: Bool, note: String?) {
        switch source {
        case .helm(let template, let literalLines, let templatedLines, let templateLines):
            let renderedLine = input.text.line(span.line) ?? ""
            if let line = literalLines[span.line] {
                let templateText = line - 1 < templateLines.count ? templateLines[line - 1] : ""
                let shift = templateText.indentation - renderedLine.indentation
                let endLine = span.endLine == span.line ? line : line + (span.endLine - span.line)
                return (
                    SourceSpan(
                        file: template, line: line, column: max(1, span.column + shift), endLine: endLine,
                        endColumn: max(1, span.endColumn + (span.endLine == span.line ? shift : 0))), true, nil
                )
            }
            let quoted = renderedLine.trimmingCharacters(in: .whitespaces)
            if let line = templatedLines[span.line], line - 1 < templateLines.count {
                // The template line whose action printed the value: the action underlined.
                let text = Array(templateLines[line - 1])
                let open = text.indices.first { $0 + 1 < text.count && text[$0] == "{" && text[$0 + 1] == "{" } ?? 0
                var close = open
                while close + 1 < text.count, !(text[close] == "}" && text[close + 1] == "}") { close += 1 }
                return (
                    SourceSpan(file: template, line: line, column: open + 1, endColumn: min(close + 3, text.count + 1)),
                    false, "helm renders it as `\(quoted.prefix(120))`"
                )
            }
            let kindLine = documentKindLine(literalLines: literalLines)
            return (
                SourceSpan(file: template, line: kindLine ?? 1, column: 1),
                false, "helm renders this line of \(input.label) as `\(quoted.prefix(120))`"
            )
        case .kustomize(let resourceFile, let generatedIn, let transformedIn):
            return KustomizeLocator(
                document: self, resourceFile: resourceFile, generatedIn: generatedIn, transformedIn: transformedIn
            ).locate(span, in: input)
        }
    }

    private func documentKindLine(literalLines: [Int: Int]) -> Int? {
        guard let kind = root.keyNode("kind") else { return nil }
        return literalLines[Int(kind.start.line)]
    }
}

/// One step from a node to a child: a mapping key, or a list item (by its merge key when it has one,
/// as strategic merge patches match them).
enum PathStep: Equatable {
    case key(String)
    case item(index: Int, identity: Identity?)

    struct Identity: Equatable {
        var key: String
        var value: String
    }

    static let mergeKeys = ["name", "containerPort", "port", "mountPath", "devicePath", "ip", "topologyKey", "type"]

    static func identity(of item: YAMLNode) -> Identity? {
        guard item.isMapping else { return nil }
        for key in mergeKeys { if let value = item[key]?.scalar { return Identity(key: key, value: value) } }
        return nil
    }
}

extension YAMLNode {
    /// The steps from this node to the node (or mapping key) starting at `line`:`column`.
    func path(toLine line: Int, column: Int) -> (steps: [PathStep], isKey: Bool)? {
        let target = Mark(line: Int32(line), column: Int32(column))
        if start == target { return ([], false) }
        if isMapping {
            for pair in pairs {
                let key = pair.key.scalar ?? ""
                if pair.key.start == target { return ([.key(key)], true) }
                if pair.value.start <= target && (target < pair.value.end || pair.value.start == target),
                    let inner = pair.value.path(toLine: line, column: column)
                {
                    return ([.key(key)] + inner.steps, inner.isKey)
                }
            }
        } else if isSequence {
            for (index, item) in items.enumerated()
            where item.start <= target && (target < item.end || item.start == target) {
                if let inner = item.path(toLine: line, column: column) {
                    return ([.item(index: index, identity: PathStep.identity(of: item))] + inner.steps, inner.isKey)
                }
            }
        }
        return nil
    }

    /// The node the steps lead to (and the key node of the last step, when it is a key).
    func follow(_ steps: [PathStep], itemCount: Int? = nil) -> (node: YAMLNode, key: YAMLNode?)? {
        var node = self
        var key: YAMLNode?
        for step in steps {
            switch step {
            case .key(let name):
                guard node.isMapping, let pair = node.pairs.first(where: { $0.key.scalar == name }) else { return nil }
                key = pair.key
                node = pair.value
            case .item(let index, let identity):
                guard node.isSequence else { return nil }
                let items = node.items
                if let identity {
                    guard let match = items.first(where: { $0[identity.key]?.scalar == identity.value }) else {
                        return nil
                    }
                    node = match
                } else {
                    guard index < items.count else { return nil }
                    node = items[index]
                }
                key = nil
            }
        }
        return (node, key)
    }
}

extension String {
    var indentation: Int { prefix { $0 == " " }.count }

    /// The 1-based line `number`, without its line ending.
    func line(_ number: Int) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        var lineStart = startIndex
        var index = startIndex
        while index < endIndex {
            if self[index].isNewline {  // "\r\n" is one Character
                if current == number { return String(self[lineStart..<index]) }
                current += 1
                lineStart = self.index(after: index)
            }
            index = self.index(after: index)
        }
        return current == number ? String(self[lineStart...]) : nil
    }
}

func sourceSpan(_ node: YAMLNode, file: String) -> SourceSpan {
    if !node.isScalar { return SourceSpan(file: file, line: Int(node.start.line), column: Int(node.start.column)) }
    return SourceSpan(
        file: file, line: Int(node.start.line), column: Int(node.start.column), endLine: Int(node.end.line),
        endColumn: Int(node.end.column))
}
