import KubeDiagnostics

/// Human-readable output in the style of rustc and clang:
///
/// ```
/// error[service-selector]: Service default/posts-srv selects app=ports, but no pod template has that label
///   --> infra/k8s/posts-srv.yaml:7:10
///    |
///  7 |     app: ports
///    |          ^^^^^
///    |
/// note: pods of Deployment posts-depl are labelled here
///   --> infra/k8s/posts-depl.yaml:14:14
///    |
/// 14 |         app: posts
///    |              ^^^^^
///    = help: did you mean `app: posts`? (replace with `posts`)
///
/// error: 1 error in 12 files (240 objects)
/// ```
///
/// Quoted lines have tabs expanded to four spaces and control characters
/// replaced by U+FFFD, so the caret run stays under the span and a manifest
/// cannot send escape sequences to the terminal.
public struct TextRenderer: Sendable {
    public var color: Bool

    public init(color: Bool = false) {
        self.color = color
    }

    public func render(_ report: Report) -> String {
        var out = ""
        for diagnostic in Diagnostic.sortedForOutput(report.allDiagnostics) {
            out += renderDiagnostic(diagnostic, sources: report.sources)
            out += "\n"
        }
        out += summary(report) + "\n"
        if report.listsSkippedFiles {
            let listed =
                report.skippedFiles.map { ($0, "not Kubernetes objects") }
                + report.testHarnessFiles.map { ($0, "test harness") }
                + report.unusedPatchFiles.map { ($0, "patch no kustomization uses") }
            for (file, reason) in listed {
                // A file name is the user's bytes: no control characters, one line.
                let shown = Self.clean(file).replacingOccurrences(of: "\n", with: "\u{FFFD}")
                out += "  skipped (\(reason)): \(shown)\n"
            }
        }
        return out
    }

    // MARK: one diagnostic

    func renderDiagnostic(_ diagnostic: Diagnostic, sources: SourceMap) -> String {
        let spans = [diagnostic.span].compactMap { $0 } + diagnostic.notes.compactMap(\.span)
        let width = max(1, spans.map { String($0.line).count }.max() ?? 1)
        let pad = String(repeating: " ", count: width)
        let severityStyle = Style.severity(diagnostic.severity)

        var lines: [String] = []
        lines.append(
            paint(severityStyle, "\(diagnostic.severity.rawValue)[\(Self.clean(diagnostic.ruleID))]")
                + paint(.bold, ": " + Self.clean(diagnostic.message)))
        var lastWasSnippet = false
        if let span = diagnostic.span {
            lastWasSnippet = appendLocation(
                span, style: severityStyle, pad: pad, sources: sources, to: &lines)
        }
        for note in diagnostic.notes {
            guard let span = note.span else { continue }
            if lastWasSnippet { lines.append(paint(.gutter, pad + " |")) }
            lines.append(paint(.note, "note") + paint(.bold, ": " + Self.clean(note.message)))
            lastWasSnippet = appendLocation(span, style: .gutter, pad: pad, sources: sources, to: &lines)
        }
        for note in diagnostic.notes where note.span == nil {
            lines.append(
                pad + " " + paint(.gutter, "=") + " " + paint(.bold, "note") + ": "
                    + Self.clean(note.message))
        }
        if let fix = diagnostic.fix {
            lines.append(
                pad + " " + paint(.gutter, "=") + " " + paint(.help, "help") + ": "
                    + Self.clean(fixSentence(fix)))
            if let fixSpan = fix.span, fixSpan != diagnostic.span {
                lines.append(
                    pad + "   " + String(repeating: " ", count: "help: ".count)
                        + "at \(Self.clean(fixSpan.description))")
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Appends `--> file:line:col` and, when the line can be read, the quoted
    /// line with a caret run. Returns whether a quoted line was appended.
    private func appendLocation(
        _ span: SourceSpan, style: Style, pad: String, sources: SourceMap, to lines: inout [String]
    ) -> Bool {
        lines.append(pad + paint(.gutter, "-->") + " " + Self.clean(span.description))
        guard let source = sources.line(span.line, in: span.file) else { return false }
        let quoted = Self.quote(source, span: span)
        let number = String(span.line).leftPadded(to: pad.count)
        lines.append(paint(.gutter, pad + " |"))
        lines.append(paint(.gutter, number + " |") + (quoted.text.isEmpty ? "" : " " + quoted.text))
        lines.append(
            paint(.gutter, pad + " |") + " " + String(repeating: " ", count: quoted.caretOffset)
                + paint(style, String(repeating: "^", count: quoted.caretWidth)))
        return true
    }

    // MARK: quoting

    struct Quoted: Equatable {
        var text: String
        var caretOffset: Int
        var caretWidth: Int
    }

    /// The line as displayed and where the carets go, in display cells.
    /// Columns count Unicode scalars (1-based, end exclusive); a span running
    /// past the line is underlined to the end of the line.
    static func quote(_ line: String, span: SourceSpan) -> Quoted {
        let scalars = Array(line.unicodeScalars)
        var text = ""
        var offsets: [Int] = []  // display offset before each scalar
        var position = 0
        for scalar in scalars {
            offsets.append(position)
            let (shown, cells) = display(scalar)
            text += shown
            position += cells
        }
        offsets.append(position)
        let start = min(max(span.column, 1) - 1, scalars.count)
        var end = span.endLine > span.line ? scalars.count : min(span.endColumn - 1, scalars.count)
        if end < start { end = start }
        let width = offsets[end] - offsets[start]
        return Quoted(text: text, caretOffset: offsets[start], caretWidth: max(width, 1))
    }

    /// How a scalar of a quoted line is shown, and how many cells it takes.
    static func display(_ scalar: Unicode.Scalar) -> (String, Int) {
        if scalar == "\t" { return ("    ", 4) }
        if isControl(scalar) { return ("\u{FFFD}", 1) }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return (String(scalar), 0)
        default: break
        }
        return (String(scalar), isWide(scalar) ? 2 : 1)
    }

    /// C0 and C1 controls, and the bidirectional overrides and isolates that would let a
    /// manifest reorder what the terminal shows ("Trojan Source", CVE-2021-42574).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
            || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
    }

    /// East Asian Wide/Fullwidth ranges and emoji shown as pictures.
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if scalar.properties.isEmojiPresentation { return true }
        return (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v)
            || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v)
            || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
            || (0x20000...0x3FFFD).contains(v)
    }

    /// Message text on one line: a newline or carriage return (from a name or key in a
    /// manifest) is shown as `\n` / `\r`, so it cannot start a line of its own (a forged
    /// `ok: no findings`); other control characters (ESC sequences, bidi overrides) become U+FFFD.
    static func clean(_ text: String) -> String { escapeControlCharacters(text) }

    // MARK: summary

    func summary(_ report: Report) -> String {
        let counts = SeverityCounts(report.allDiagnostics)
        let label: String
        let style: Style
        if counts.errors > 0 {
            (label, style) = ("error", .error)
        } else if counts.warnings > 0 {
            (label, style) = ("warning", .warning)
        } else if counts.notes > 0 {
            (label, style) = ("note", .note)
        } else {
            (label, style) = ("ok", .ok)
        }
        return paint(style, label) + paint(.bold, ": \(counts.phrase) \(scopePhrase(report))")
    }

    // MARK: colour

    enum Style {
        case error, warning, note, help, gutter, bold, ok

        static func severity(_ severity: Severity) -> Style {
            switch severity {
            case .error: .error
            case .warning: .warning
            case .note: .note
            }
        }

        var code: String {
            switch self {
            case .error: "\u{1B}[1;31m"
            case .warning: "\u{1B}[1;33m"
            case .note: "\u{1B}[1;32m"
            case .help: "\u{1B}[1;36m"
            case .gutter: "\u{1B}[1;34m"
            case .bold: "\u{1B}[1m"
            case .ok: "\u{1B}[1;32m"
            }
        }
    }

    func paint(_ style: Style, _ text: String) -> String {
        color && !text.isEmpty ? style.code + text + "\u{1B}[0m" : text
    }
}
