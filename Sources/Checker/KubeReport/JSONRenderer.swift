import Foundation
import KubeDiagnostics

/// `kubewire check --format json`: a stable, versioned document for scripts.
///
/// Schema, version 1 (keys are written sorted; every key listed is always
/// present, with `null` where the value is absent):
///
/// ```
/// {
///   "version": 1,                      // bumped on any incompatible change
///   "tool": {"name": "kubewire", "version": "0.1.0"},
///   "summary": {
///     "errors": 3, "warnings": 1, "notes": 0,   // findings by severity
///     "inputs": 12,                             // files/streams read
///     "objects": 240                            // Kubernetes objects checked
///   },
///   "diagnostics": [                   // sorted by file, line, column, rule
///     {
///       "rule": "service-selector",    // rule id (`kubewire rules` lists them)
///       "severity": "error",           // "error" | "warning" | "note"
///       "message": "…",
///       "location": Location | null,   // null: the finding has no position
///       "object": {"kind": "Service", "namespace": "default", "name": "posts-srv"} | null,
///       "notes": [{"message": "…", "location": Location | null}],
///       "fix": {"message": "…",                // what to do, in words
///               "edits": [{"location": Location, "text": "…"}],   // the change, when known
///               "applicability": "machine-applicable" | "maybe-incorrect" | null,  // null: no edits
///               "replacement": "…" | null, "location": Location | null        // the only edit
///              } | null
///     }
///   ]
/// }
///
/// Location = {"file": "infra/k8s/posts-srv.yaml", "line": 7, "column": 10,
///             "endLine": 7, "endColumn": 15}
/// ```
///
/// Lines and columns are 1-based and count Unicode scalars; `endColumn` is
/// the column just after the last character. `file` is the path as given on
/// the command line. `summary` counts every diagnostic, including input
/// problems (`yaml-syntax`, `duplicate-key`, `not-an-object`,
/// `unreadable-input`, `input-limit`).
public struct JSONRenderer: Sendable {
    public static let schemaVersion = 1

    public init() {}

    public func render(_ report: Report) -> String {
        let counts = SeverityCounts(report.allDiagnostics)
        let document: [String: Any] = [
            "version": Self.schemaVersion,
            "tool": ["name": report.toolName, "version": report.toolVersion],
            "summary": [
                "errors": counts.errors,
                "warnings": counts.warnings,
                "notes": counts.notes,
                "inputs": report.inputCount,
                "objects": report.objectCount,
                "notValidated": report.notValidatedCount,
                "skipped": report.skippedFiles.count,
                "skippedTestHarness": report.testHarnessFiles.count,
                "skippedUnusedPatches": report.unusedPatchFiles.count,
            ],
            "diagnostics": Diagnostic.sortedForOutput(report.allDiagnostics).map(Self.diagnostic),
        ]
        return serializeJSON(document)
    }

    static func diagnostic(_ d: Diagnostic) -> [String: Any] {
        [
            "rule": d.ruleID,
            "severity": d.severity.rawValue,
            "message": d.message,
            "location": location(d.span),
            "object": d.object.map { ["kind": $0.kind, "namespace": $0.namespace, "name": $0.name] }
                ?? NSNull(),
            "notes": d.notes.map {
                ["message": $0.message, "location": location($0.span)] as [String: Any]
            },
            "fix": d.fix.map {
                [
                    "message": $0.help,
                    // The only edit, as version 1 first wrote a fix (null with none or several).
                    "replacement": $0.replacement ?? NSNull(),
                    "location": location($0.span),
                    "edits": $0.edits.map { ["location": location($0.span), "text": $0.newText] as [String: Any] },
                    "applicability": $0.edits.isEmpty ? NSNull() : $0.applicability.rawValue,
                ] as [String: Any]
            } ?? NSNull(),
        ]
    }

    static func location(_ span: SourceSpan?) -> Any {
        guard let span else { return NSNull() }
        return [
            "file": span.file,
            "line": span.line,
            "column": span.column,
            "endLine": span.endLine,
            "endColumn": span.endColumn,
        ] as [String: Any]
    }
}

/// Pretty-printed JSON with sorted keys and a trailing newline. The
/// documents built here contain only strings, integers, arrays, dictionaries
/// and `NSNull`, which JSONSerialization always accepts; should it ever fail,
/// the output is still valid JSON that says so.
func serializeJSON(_ object: Any) -> String {
    do {
        let data = try JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    } catch {
        return "{\"error\": \"kubewire could not serialize its report\"}\n"
    }
}
