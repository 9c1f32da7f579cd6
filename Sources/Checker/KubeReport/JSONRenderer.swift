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

/// Pretty-printed JSON with sorted keys and a trailing newline, byte for byte as Foundation's
/// `JSONSerialization` writes it with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`
/// (`JSONOutputTests` compares the two). Foundation sorts keys with a locale-aware `NSString`
/// comparison, which cost a sarif run more than the rest of its rendering; `PrettyJSON` sorts
/// the documents built here (keys of ASCII letters, as the renderers write them) the same way
/// without it. Any other document goes to Foundation. The documents contain only strings,
/// integers, booleans, arrays, dictionaries and `NSNull`; should serialization ever fail, the
/// output is still valid JSON that says so.
func serializeJSON(_ object: Any) -> String {
    var writer = PrettyJSON()
    if writer.write(object, depth: 0) { return writer.text + "\n" }
    do {
        let data = try JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    } catch {
        return "{\"error\": \"kubewire could not serialize its report\"}\n"
    }
}

/// The writer behind `serializeJSON`: false when the document holds a value or a key it does not
/// write exactly as Foundation would (then nothing it wrote is used).
struct PrettyJSON {
    private(set) var text = ""

    mutating func write(_ value: Any, depth: Int) -> Bool {
        switch value {
        case let string as String:
            writeString(string)
        case is NSNull:
            text += "null"
        case let number as Int:
            text += String(number)
        case let flag as Bool:
            text += flag ? "true" : "false"
        case let array as [Any]:
            text += "[\n"
            for (index, element) in array.enumerated() {
                if index > 0 { text += ",\n" }
                indent(depth + 1)
                guard write(element, depth: depth + 1) else { return false }
            }
            text += "\n"
            indent(depth)
            text += "]"
        case let dictionary as [String: Any]:
            guard dictionary.keys.allSatisfy(Self.isPlainKey) else { return false }
            text += "{\n"
            for (index, key) in dictionary.keys.sorted(by: Self.foundationOrder).enumerated() {
                if index > 0 { text += ",\n" }
                indent(depth + 1)
                writeString(key)
                text += " : "
                guard let element = dictionary[key], write(element, depth: depth + 1) else { return false }
            }
            text += "\n"
            indent(depth)
            text += "}"
        default:
            return false
        }
        return true
    }

    private mutating func indent(_ depth: Int) {
        text += String(repeating: "  ", count: depth)
    }

    /// Foundation's escapes: `"`, `\\`, the control characters (`\b \f \n \r \t`, others as
    /// `\u00xx` in lower-case hex); `/` and everything else as it is.
    private mutating func writeString(_ string: String) {
        text += "\""
        var plainStart = string.utf8.startIndex
        var index = plainStart
        let utf8 = string.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            let escape: String? =
                switch byte {
                case UInt8(ascii: "\""): "\\\""
                case UInt8(ascii: "\\"): "\\\\"
                case 0x08: "\\b"
                case 0x0C: "\\f"
                case UInt8(ascii: "\n"): "\\n"
                case UInt8(ascii: "\r"): "\\r"
                case UInt8(ascii: "\t"): "\\t"
                case 0x00..<0x20: "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
                default: nil
                }
            if let escape {
                text += String(utf8[plainStart..<index]) ?? ""
                text += escape
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        text += String(utf8[plainStart..<utf8.endIndex]) ?? ""
        text += "\""
    }

    /// Keys whose order under Foundation's comparison (case-insensitive, numeric, then literal) is
    /// known without a locale: ASCII letters, an optional leading `$`.
    static func isPlainKey(_ key: String) -> Bool {
        var bytes = key.utf8[...]
        if bytes.first == UInt8(ascii: "$") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty
            && bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) }
    }

    /// Case-insensitive first (`notes` before `notValidated`); keys equal but for case, lower case
    /// first at the first difference (`uri`, `Uri`, `URI`): Foundation's locale-aware order with
    /// `[.caseInsensitive, .numeric, .forcedOrdering]`, on plain keys.
    static func foundationOrder(_ a: String, _ b: String) -> Bool {
        let folded = a.utf8.lexicographicallyPrecedes(b.utf8) { Self.fold($0) < Self.fold($1) }
        if folded { return true }
        if b.utf8.lexicographicallyPrecedes(a.utf8, by: { Self.fold($0) < Self.fold($1) }) { return false }
        // Equal when folded: at the first difference a lower-case letter, the higher byte, comes first.
        return b.utf8.lexicographicallyPrecedes(a.utf8)
    }

    private static func fold(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
