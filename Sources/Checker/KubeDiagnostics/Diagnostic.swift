/// A position range in an input file. Lines and columns are 1-based;
/// columns count Unicode scalars (libyaml's unit). `endColumn` is the
/// column just after the last character, as SARIF expects.
public struct SourceSpan: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int

    public init(file: String, line: Int, column: Int, endLine: Int? = nil, endColumn: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.endLine = endLine ?? line
        self.endColumn = endColumn ?? (column + 1)
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourceSpan, b: SourceSpan) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

public enum Severity: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case error, warning, note

    private var rank: Int {
        switch self {
        case .error: 2
        case .warning: 1
        case .note: 0
        }
    }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A secondary location that explains the primary one ("pods are labelled here").
public struct DiagnosticNote: Hashable, Sendable {
    public var message: String
    public var span: SourceSpan?
    public init(_ message: String, at span: SourceSpan? = nil) {
        self.message = message
        self.span = span
    }
}

/// One change to an input: the text at `span` becomes `newText` (empty: removed).
public struct TextEdit: Hashable, Sendable {
    public var span: SourceSpan
    public var newText: String
    /// The text the edit was computed to replace, when it was computed on other text (a kustomize
    /// build's output, moved to the source file that writes the same bytes): the edit applies only
    /// where `span` still holds exactly this.
    public var replacedText: String?
    public init(_ span: SourceSpan, _ newText: String, replacing replacedText: String? = nil) {
        self.span = span
        self.newText = newText
        self.replacedText = replacedText
    }
}

/// Whether a tool may apply a fix's edits unasked (`--fix`, an editor's "fix all").
public enum FixApplicability: String, Hashable, Sendable, Codable {
    /// The edits are what the user meant: converting a form, quoting, a value the inputs prove.
    case machineApplicable = "machine-applicable"
    /// A guess (a near name, one of several values): offered, never applied without the user.
    case maybeIncorrect = "maybe-incorrect"
}

/// How to fix a finding: `help` says it in words; `edits`, when the change is known, make it.
/// An edit always has its span, so every renderer that applies or shows edits (SARIF `fixes`,
/// `--fix`, an editor's code action) can.
public struct SuggestedFix: Hashable, Sendable {
    public var help: String
    public var edits: [TextEdit]
    /// Meaningful when there are edits.
    public var applicability: FixApplicability

    /// Help text only: the fix needs the user (which of two, a value only they know).
    public init(_ help: String) {
        self.help = help
        self.edits = []
        self.applicability = .maybeIncorrect
    }

    public init(_ help: String, edits: [TextEdit], applicability: FixApplicability) {
        self.help = help
        self.edits = edits
        self.applicability = applicability
    }

    /// One edit: the text at `span` becomes `newText`.
    public init(
        _ help: String, replacing span: SourceSpan, with newText: String,
        applicability: FixApplicability = .machineApplicable
    ) {
        self.init(help, edits: [TextEdit(span, newText)], applicability: applicability)
    }

    // Read-only views of a single-edit fix, for code written against the earlier fields.

    /// `help`.
    public var message: String { help }
    /// The span of the only edit; nil with none or several.
    public var span: SourceSpan? { edits.count == 1 ? edits[0].span : nil }
    /// The new text of the only edit; nil with none or several.
    public var replacement: String? { edits.count == 1 ? edits[0].newText : nil }
}

/// The object a finding is about, e.g. `Service default/posts-srv`.
public struct ObjectReference: Hashable, Sendable, CustomStringConvertible {
    public var kind: String
    public var namespace: String
    public var name: String
    public init(kind: String, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }
    public var description: String { "\(kind) \(namespace)/\(name)" }
}

/// One finding: what is wrong, where, why, and what to change.
/// Finding problems produces these; renderers only read them.
public struct Diagnostic: Hashable, Sendable {
    public var ruleID: String
    public var severity: Severity
    public var span: SourceSpan?
    public var message: String
    public var notes: [DiagnosticNote]
    public var fix: SuggestedFix?
    public var object: ObjectReference?

    public init(
        ruleID: String, severity: Severity, span: SourceSpan?, message: String,
        notes: [DiagnosticNote] = [], fix: SuggestedFix? = nil, object: ObjectReference? = nil
    ) {
        self.ruleID = ruleID
        self.severity = severity
        self.span = span
        self.message = message
        self.notes = notes
        self.fix = fix
        self.object = object
    }
}

extension Diagnostic {
    /// A finding of a registered rule (its id a `RuleID` constant, never a literal).
    public init(
        ruleID: RuleID, severity: Severity, span: SourceSpan?, message: String,
        notes: [DiagnosticNote] = [], fix: SuggestedFix? = nil, object: ObjectReference? = nil
    ) {
        self.init(
            ruleID: ruleID.rawValue, severity: severity, span: span, message: message, notes: notes, fix: fix,
            object: object)
    }

    /// Whether this is a finding of `rule`.
    public func `is`(_ rule: RuleID) -> Bool { ruleID == rule.rawValue }
}

extension Diagnostic {
    /// Stable order for output: by file, line, column, then rule.
    public static func sortedForOutput(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.sorted { a, b in
            switch (a.span, b.span) {
            case (nil, nil): return (a.ruleID, a.message) < (b.ruleID, b.message)
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?):
                if x != y { return x < y }
                return (a.ruleID, a.message) < (b.ruleID, b.message)
            }
        }
    }
}
