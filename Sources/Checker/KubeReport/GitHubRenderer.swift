import KubeDiagnostics

/// GitHub Actions workflow commands, one per finding:
///
/// ```
/// ::error file=infra/k8s/posts-srv.yaml,line=7,col=10,endLine=7,endColumn=15,title=service-selector::Service … %0AFix: …
/// ```
///
/// Errors come first, then warnings, then notes (`::notice`), because GitHub
/// turns only the first 10 of each level into annotations; a plain summary
/// line follows. Messages escape `%`, CR and LF; property values also `:` and
/// `,` (as `@actions/core` does). `col`/`endColumn` are left out for spans
/// that cover several lines, which annotations do not support.
public struct GitHubRenderer: Sendable {
    /// Annotations GitHub shows per level and step.
    public static let annotationLimit = 10

    public var workingDirectory: String?

    public init(workingDirectory: String? = nil) {
        self.workingDirectory = workingDirectory
    }

    public func render(_ report: Report) -> String {
        let paths = PathRelativizer(workingDirectory: workingDirectory)
        let sorted = Diagnostic.sortedForOutput(report.allDiagnostics)
        var out = ""
        for severity in [Severity.error, .warning, .note] {
            for diagnostic in sorted where diagnostic.severity == severity {
                out += Self.command(diagnostic, paths: paths) + "\n"
            }
        }
        let counts = SeverityCounts(report.allDiagnostics)
        var summary = "\(report.toolName): \(counts.phrase) \(scopePhrase(report))"
        if max(counts.errors, counts.warnings, counts.notes) > Self.annotationLimit {
            summary +=
                "; GitHub shows only the first \(Self.annotationLimit) annotations of each level,"
                + " the log above lists all of them"
        }
        return out + summary + "\n"
    }

    static func command(_ d: Diagnostic, paths: PathRelativizer) -> String {
        let name =
            switch d.severity {
            case .error: "error"
            case .warning: "warning"
            case .note: "notice"
            }
        var properties: [(String, String)] = []
        if let span = d.span {
            properties.append(("file", escapeControlCharacters(paths.displayPath(span.file))))
            properties.append(("line", String(max(span.line, 1))))
            let singleLine = span.endLine <= span.line
            if singleLine { properties.append(("col", String(max(span.column, 1)))) }
            properties.append(("endLine", String(max(span.endLine, span.line, 1))))
            if singleLine {
                properties.append(("endColumn", String(max(span.endColumn, span.column, 1))))
            }
        }
        properties.append(("title", escapeControlCharacters(d.ruleID)))
        let rendered = properties.map { "\($0.0)=\(escapeProperty($0.1))" }.joined(separator: ",")
        return "::\(name) \(rendered)::\(escapeData(message(d, paths: paths)))"
    }

    /// The message, the notes (with their locations) and the fix.
    /// Each part's own text has its control characters escaped first, so a newline from a manifest
    /// cannot add a `note:` or `help:` line of its own to the annotation.
    static func message(_ d: Diagnostic, paths: PathRelativizer) -> String {
        var lines = [escapeControlCharacters(d.message)]
        for note in d.notes {
            if let span = note.span {
                lines.append(
                    "note: \(escapeControlCharacters(note.message)) (\(escapeControlCharacters(paths.displayPath(span.file))):\(span.line):\(span.column))"
                )
            } else {
                lines.append("note: \(escapeControlCharacters(note.message))")
            }
        }
        if let fix = d.fix { lines.append("help: \(escapeControlCharacters(fixSentence(fix)))") }
        return lines.joined(separator: "\n")
    }

    /// `@actions/core` `escapeData`.
    static func escapeData(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `@actions/core` `escapeProperty`.
    static func escapeProperty(_ value: String) -> String {
        var out = ""
        for scalar in escapeData(value).unicodeScalars {
            switch scalar {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
