import Foundation
import KubeDiagnostics

/// Everything a renderer needs: the findings, what the rules that ran are
/// about, the source text to quote, and how much was checked.
public struct Report: Sendable {
    public var diagnostics: [Diagnostic]
    /// Metadata for every rule that ran (plus `InputProblem.all`).
    public var rules: [RuleInfo]
    public var sources: SourceMap
    /// Files/streams read.
    public var inputCount: Int
    /// Kubernetes objects checked.
    public var objectCount: Int
    /// Objects no API schema covered (custom resources whose CRD is not in the inputs).
    public var notValidatedCount: Int = 0
    public var toolName: String
    public var toolVersion: String
    /// Project page, written to SARIF `tool.driver.informationUri` when set.
    public var informationURI: String?

    public init(
        diagnostics: [Diagnostic],
        rules: [RuleInfo],
        sources: SourceMap = SourceMap(),
        inputCount: Int = 0,
        objectCount: Int = 0,
        toolName: String = "kubewire",
        toolVersion: String = "0.1.0",
        informationURI: String? = nil
    ) {
        self.diagnostics = diagnostics
        self.rules = rules
        self.sources = sources
        self.inputCount = inputCount
        self.objectCount = objectCount
        self.toolName = toolName
        self.toolVersion = toolVersion
        self.informationURI = informationURI
    }
}

public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json, sarif, junit, github
}

public struct RenderOptions: Sendable {
    /// ANSI colour in the text format (ignored by the others).
    public var color: Bool
    /// Paths in SARIF, JUnit and GitHub output are made relative to this
    /// directory (normally the repository root). Text and JSON keep the paths
    /// as the diagnostics spell them.
    public var workingDirectory: String?

    public init(color: Bool = false, workingDirectory: String? = nil) {
        self.color = color
        self.workingDirectory = workingDirectory
    }
}

/// Renders `report` in `format`. The result ends with a newline.
public func render(_ report: Report, as format: OutputFormat, options: RenderOptions) -> String {
    switch format {
    case .text: TextRenderer(color: options.color).render(report)
    case .json: JSONRenderer().render(report)
    case .sarif: SARIFRenderer(workingDirectory: options.workingDirectory).render(report)
    case .junit: JUnitRenderer(workingDirectory: options.workingDirectory).render(report)
    case .github: GitHubRenderer(workingDirectory: options.workingDirectory).render(report)
    }
}

// MARK: - Shared presentation helpers

/// Finding counts by severity.
struct SeverityCounts: Equatable {
    var errors = 0
    var warnings = 0
    var notes = 0

    init(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            switch diagnostic.severity {
            case .error: errors += 1
            case .warning: warnings += 1
            case .note: notes += 1
            }
        }
    }

    var total: Int { errors + warnings + notes }

    /// "3 errors, 1 warning" (zero counts left out); "no findings" when empty.
    var phrase: String {
        var parts: [String] = []
        if errors > 0 { parts.append(plural(errors, "error")) }
        if warnings > 0 { parts.append(plural(warnings, "warning")) }
        if notes > 0 { parts.append(plural(notes, "note")) }
        return parts.isEmpty ? "no findings" : parts.joined(separator: ", ")
    }
}

func plural(_ count: Int, _ word: String) -> String {
    "\(count) \(word)\(count == 1 ? "" : "s")"
}

/// "in 12 files (240 objects)", "in 3 files (9 objects, 2 not validated: no schema)"
func scopePhrase(_ report: Report) -> String {
    let unchecked = report.notValidatedCount > 0 ? ", \(report.notValidatedCount) not validated: no schema" : ""
    return "in \(plural(report.inputCount, "file")) (\(plural(report.objectCount, "object"))\(unchecked))"
}

extension Report {
    /// Rule metadata in a stable order: `rules` as given (first occurrence of
    /// an id wins), then a stand-in for any rule id that only appears in a
    /// diagnostic, in order of first appearance.
    var ruleCatalog: [RuleInfo] {
        var seen = Set<String>()
        var catalog: [RuleInfo] = []
        for rule in rules where seen.insert(rule.id).inserted {
            catalog.append(rule)
        }
        for diagnostic in Diagnostic.sortedForOutput(diagnostics)
        where seen.insert(diagnostic.ruleID).inserted {
            catalog.append(
                RuleInfo(
                    id: diagnostic.ruleID,
                    summary: "kubewire rule \(diagnostic.ruleID)",
                    why: "No description was registered for rule \(diagnostic.ruleID).",
                    fix: "See the finding's message.",
                    defaultSeverity: diagnostic.severity))
        }
        return catalog
    }
}

/// Rule ids of the load-error pseudo-rules.
let inputProblemIDs: Set<String> = Set(InputProblem.all.map(\.id))

/// Makes paths repository-relative for CI formats.
struct PathRelativizer: Sendable {
    let base: [String]?
    let currentDirectory: [String]

    init(workingDirectory: String?) {
        let cwd = Self.components(FileManager.default.currentDirectoryPath)
        currentDirectory = cwd
        if let workingDirectory, !workingDirectory.isEmpty {
            base = Self.normalize(
                workingDirectory.hasPrefix("/")
                    ? Self.components(workingDirectory) : cwd + Self.components(workingDirectory))
        } else {
            base = nil
        }
    }

    enum Resolved: Equatable {
        /// Relative path with forward slashes, no `.` segments.
        case relative(String)
        /// Absolute path outside the working directory.
        case absolute(String)
    }

    /// Without a working directory: the path normalised (`./` dropped).
    /// With one: relative to it when the file is inside it, else absolute.
    /// Relative inputs are taken relative to the process's current directory.
    func resolve(_ path: String) -> Resolved {
        var path = path
        #if os(Windows)
            path = path.replacingOccurrences(of: "\\", with: "/")
        #endif
        if path.isEmpty { return .relative(path) }
        let isAbsolute = path.hasPrefix("/")
        guard let base else {
            let parts = Self.normalize(Self.components(path))
            return isAbsolute
                ? .absolute("/" + parts.joined(separator: "/")) : .relative(parts.joined(separator: "/"))
        }
        let absolute = Self.normalize(
            isAbsolute ? Self.components(path) : currentDirectory + Self.components(path))
        if absolute.count > base.count, Array(absolute.prefix(base.count)) == base {
            path = absolute.dropFirst(base.count).joined(separator: "/")
            return .relative(path)
        }
        return .absolute("/" + absolute.joined(separator: "/"))
    }

    /// The path as GitHub/JUnit show it: relative when possible.
    func displayPath(_ path: String) -> String {
        switch resolve(path) {
        case .relative(let p): p.isEmpty ? path : p
        case .absolute(let p): p
        }
    }

    /// A SARIF `artifactLocation.uri`: a percent-encoded relative reference,
    /// or a `file://` URI for a file outside the working directory.
    func uri(_ path: String) -> String {
        switch resolve(path) {
        case .relative(let p): Self.percentEncode(p.isEmpty ? path : p)
        case .absolute(let p): "file://" + Self.percentEncode(p)
        }
    }

    static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// Drops `.` segments and resolves `..` where possible.
    static func normalize(_ parts: [String]) -> [String] {
        var out: [String] = []
        for part in parts {
            switch part {
            case ".": continue
            case "..":
                if let last = out.last, last != ".." { out.removeLast() } else { out.append(part) }
            default: out.append(part)
            }
        }
        return out
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
    static func percentEncode(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2, with: "0")
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// 64-bit FNV-1a over the UTF-8 of `fields`, separated by NUL: stable across
/// runs and machines (unlike `Hasher`).
func stableHash(_ fields: [String]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for (index, field) in fields.enumerated() {
        if index > 0 {
            hash ^= 0
            hash &*= 0x0000_0100_0000_01b3
        }
        for byte in field.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
    }
    return String(hash, radix: 16).leftPadded(to: 16, with: "0")
}

/// The fix as one line of prose: its message, plus the replacement if any.
func fixSentence(_ fix: SuggestedFix) -> String {
    guard let replacement = fix.replacement else { return fix.message }
    if replacement.isEmpty { return "\(fix.message) (remove the marked text)" }
    return "\(fix.message) (replace with `\(replacement)`)"
}
