import Foundation
import KubeDiagnostics

/// SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).
///
/// One run; `tool.driver.rules` lists every rule that ran (and any rule id
/// that only appears in a finding), `results[].ruleIndex` points into it.
/// Regions are 1-based with an exclusive `endColumn`, counted in Unicode
/// code points (`columnKind: unicodeCodePoints`). URIs are relative to the
/// working directory and percent-encoded; files outside it get `file://`
/// URIs. A finding without a position has no `locations`.
///
/// `partialFingerprints.primaryLocationLineHash` is
/// `<FNV-1a 64 of rule id, uri, trimmed text of the primary line, object>:<n>`
/// where `n` counts identical hashes in output order, so an alert keeps its
/// identity when lines above it move.
public struct SARIFRenderer: Sendable {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    public var workingDirectory: String?

    public init(workingDirectory: String? = nil) {
        self.workingDirectory = workingDirectory
    }

    public func render(_ report: Report) -> String {
        let paths = PathRelativizer(workingDirectory: workingDirectory)
        let catalog = report.ruleCatalog
        var ruleIndex: [String: Int] = [:]
        for (index, rule) in catalog.enumerated() where ruleIndex[rule.id] == nil {
            ruleIndex[rule.id] = index
        }

        var driver: [String: Any] = [
            "name": report.toolName,
            "version": report.toolVersion,
            "rules": catalog.map(Self.rule),
        ]
        if Self.isSemanticVersion(report.toolVersion) { driver["semanticVersion"] = report.toolVersion }
        if let uri = report.informationURI, !uri.isEmpty { driver["informationUri"] = uri }

        var fingerprintCounts: [String: Int] = [:]
        var results: [[String: Any]] = []
        for diagnostic in Diagnostic.sortedForOutput(report.diagnostics) {
            var result = Self.result(diagnostic, paths: paths, sources: report.sources)
            result["ruleIndex"] = ruleIndex[diagnostic.ruleID] ?? 0
            let hash = Self.fingerprint(diagnostic, paths: paths, sources: report.sources)
            let occurrence = (fingerprintCounts[hash] ?? 0) + 1
            fingerprintCounts[hash] = occurrence
            result["partialFingerprints"] = ["primaryLocationLineHash": "\(hash):\(occurrence)"]
            results.append(result)
        }

        var run: [String: Any] = [
            "tool": ["driver": driver],
            "columnKind": "unicodeCodePoints",
            "results": results,
        ]
        if !report.configurationDiagnostics.isEmpty {
            run["invocations"] = [
                [
                    "executionSuccessful": false,
                    "toolConfigurationNotifications": Diagnostic.sortedForOutput(report.configurationDiagnostics)
                        .map { Self.notification($0, paths: paths) },
                ] as [String: Any]
            ]
        }
        let document: [String: Any] = [
            "$schema": Self.schemaURI,
            "version": "2.1.0",
            "runs": [run],
        ]
        return serializeJSON(document)
    }

    // MARK: rules

    static func rule(_ rule: RuleInfo) -> [String: Any] {
        let summary = nonEmpty(rule.summary, or: rule.id)
        let why = nonEmpty(rule.why, or: summary)
        let help = rule.fix.isEmpty ? why : "\(why)\n\nFix: \(rule.fix)"
        return [
            "id": rule.id,
            "name": pascalCase(rule.id),
            "shortDescription": ["text": summary],
            "fullDescription": ["text": why],
            "help": ["text": help],
            "defaultConfiguration": ["level": level(rule.defaultSeverity)],
        ]
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// `service-selector` → `ServiceSelector` (SARIF suggests identifier-like names).
    static func pascalCase(_ id: String) -> String {
        let words = id.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        let name = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return name.isEmpty ? id : name
    }

    static func nonEmpty(_ text: String, or fallback: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? fallback : text
    }

    static func isSemanticVersion(_ version: String) -> Bool {
        let core = version.split(separator: "-", maxSplits: 1)[0].split(separator: "+", maxSplits: 1)[0]
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    // MARK: results

    static func result(_ d: Diagnostic, paths: PathRelativizer, sources: SourceMap) -> [String: Any] {
        var text = nonEmpty(d.message, or: d.ruleID)
        for note in d.notes {
            text += "\nNote: \(note.message)"
            if let span = note.span {
                text += " (\(paths.displayPath(span.file)):\(span.line):\(span.column))"
            }
        }
        if let fix = d.fix { text += "\nFix: \(fixSentence(fix))" }

        var result: [String: Any] = [
            "ruleId": d.ruleID,
            "level": level(d.severity),
            "message": ["text": text],
        ]
        if let span = d.span {
            result["locations"] = [["physicalLocation": physicalLocation(span, paths: paths)]]
        }
        let related = d.notes.compactMap { note -> (DiagnosticNote, SourceSpan)? in
            note.span.map { (note, $0) }
        }
        if !related.isEmpty {
            result["relatedLocations"] = related.enumerated().map { index, pair in
                [
                    "id": index + 1,
                    "physicalLocation": physicalLocation(pair.1, paths: paths),
                    "message": ["text": nonEmpty(pair.0.message, or: "related location")],
                ] as [String: Any]
            }
        }
        // Only edits: a fix in words alone has no SARIF form (the text and JSON formats carry it).
        if let fix = d.fix, !fix.edits.isEmpty {
            var files: [String] = []
            var byFile: [String: [TextEdit]] = [:]
            for edit in fix.edits {
                if byFile[edit.span.file] == nil { files.append(edit.span.file) }
                byFile[edit.span.file, default: []].append(edit)
            }
            result["fixes"] = [
                [
                    "description": ["text": nonEmpty(fix.help, or: "suggested fix")],
                    "artifactChanges": files.map { file in
                        [
                            "artifactLocation": ["uri": paths.uri(file)],
                            "replacements": (byFile[file] ?? []).map { edit in
                                [
                                    "deletedRegion": region(edit.span),
                                    "insertedContent": ["text": edit.newText],
                                ] as [String: Any]
                            },
                        ] as [String: Any]
                    },
                ] as [String: Any]
            ]
        }
        if let object = d.object {
            result["properties"] = [
                "object": ["kind": object.kind, "namespace": object.namespace, "name": object.name]
            ]
        }
        return result
    }

    /// A configuration problem: SARIF's `toolConfigurationNotifications` (§3.20.21), not a result,
    /// since it is about how the tool was run, not about the inputs.
    static func notification(_ d: Diagnostic, paths: PathRelativizer) -> [String: Any] {
        var notification: [String: Any] = [
            "descriptor": ["id": d.ruleID],
            "level": level(d.severity),
            "message": ["text": nonEmpty(d.message, or: d.ruleID)],
        ]
        if let span = d.span {
            notification["locations"] = [["physicalLocation": physicalLocation(span, paths: paths)]]
        }
        return notification
    }

    static func physicalLocation(_ span: SourceSpan, paths: PathRelativizer) -> [String: Any] {
        [
            "artifactLocation": ["uri": paths.uri(span.file)],
            "region": region(span),
        ]
    }

    /// 1-based, end after start (a zero-width span stays an insertion point).
    static func region(_ span: SourceSpan) -> [String: Int] {
        let startLine = max(span.line, 1)
        let startColumn = max(span.column, 1)
        let endLine = max(span.endLine, startLine)
        let endColumn = endLine == startLine ? max(span.endColumn, startColumn) : max(span.endColumn, 1)
        return [
            "startLine": startLine, "startColumn": startColumn, "endLine": endLine,
            "endColumn": endColumn,
        ]
    }

    static func fingerprint(_ d: Diagnostic, paths: PathRelativizer, sources: SourceMap) -> String {
        var file = ""
        var line = ""
        if let span = d.span {
            file = paths.uri(span.file)
            line = sources.line(span.line, in: span.file)?.trimmingCharacters(in: .whitespaces) ?? ""
        }
        return stableHash([d.ruleID, file, line, d.object?.description ?? ""])
    }
}
