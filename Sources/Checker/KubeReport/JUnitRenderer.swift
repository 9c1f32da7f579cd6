import Foundation
import KubeDiagnostics

/// JUnit XML in the shape GitLab and Jenkins read.
///
/// One `<testsuite>` per rule; each finding is a `<testcase>` with a
/// `<failure>` (or an `<error>` for input problems such as `yaml-syntax`); a
/// rule without findings gets one passing `<testcase>`. `classname` is the
/// rule id with dots replaced (Jenkins splits class names at the last dot).
/// Test names are unique within a suite, because GitLab keeps only the first
/// of several cases with the same name. Characters XML 1.0 forbids are
/// dropped; newlines in attributes are written as character references.
public struct JUnitRenderer: Sendable {
    public var workingDirectory: String?

    public init(workingDirectory: String? = nil) {
        self.workingDirectory = workingDirectory
    }

    public func render(_ report: Report) -> String {
        let paths = PathRelativizer(workingDirectory: workingDirectory)
        let sorted = Diagnostic.sortedForOutput(report.allDiagnostics)
        var byRule: [String: [Diagnostic]] = [:]
        for diagnostic in sorted { byRule[diagnostic.ruleID, default: []].append(diagnostic) }

        var suites: [String] = []
        var totals = (tests: 0, failures: 0, errors: 0)
        for rule in report.ruleCatalog {
            let findings = byRule[rule.id] ?? []
            let isInputProblem = inputProblemIDs.contains(rule.id)
            let failures = isInputProblem ? 0 : findings.count
            let errors = isInputProblem ? findings.count : 0
            let tests = max(findings.count, 1)
            totals.tests += tests
            totals.failures += failures
            totals.errors += errors

            var suite =
                "  <testsuite name=\"\(Self.attribute(rule.id))\" tests=\"\(tests)\" failures=\"\(failures)\""
                + " errors=\"\(errors)\" skipped=\"0\" time=\"0\">\n"
            let classname = Self.attribute(Self.classname(rule.id))
            if findings.isEmpty {
                suite += "    <testcase classname=\"\(classname)\" name=\"no findings\" time=\"0\"/>\n"
            }
            var usedNames = Set<String>()
            for finding in findings {
                let name = Self.uniqueName(for: finding, paths: paths, used: &usedNames)
                var testcase = "    <testcase classname=\"\(classname)\" name=\"\(Self.attribute(name))\""
                if let span = finding.span {
                    testcase += " file=\"\(Self.attribute(paths.displayPath(span.file)))\""
                }
                testcase += " time=\"0\">\n"
                let element = isInputProblem ? "error" : "failure"
                testcase +=
                    "      <\(element) message=\"\(Self.attribute(finding.message))\""
                    + " type=\"\(finding.severity.rawValue)\">"
                    + Self.text(Self.body(finding, paths: paths)) + "</\(element)>\n"
                testcase += "    </testcase>\n"
                suite += testcase
            }
            suite += "  </testsuite>\n"
            suites.append(suite)
        }

        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"\(Self.attribute(report.toolName))\" tests=\"\(totals.tests)\""
            + " failures=\"\(totals.failures)\" errors=\"\(totals.errors)\" skipped=\"0\" time=\"0\">\n"
            + suites.joined() + "</testsuites>\n"
    }

    /// `file:line:col: message`, then one line per note and the fix.
    static func body(_ d: Diagnostic, paths: PathRelativizer) -> String {
        func prefix(_ span: SourceSpan?) -> String {
            guard let span else { return "" }
            return "\(paths.displayPath(span.file)):\(span.line):\(span.column): "
        }
        var lines = ["\(prefix(d.span))\(d.message)"]
        for note in d.notes { lines.append("\(prefix(note.span))note: \(note.message)") }
        if let fix = d.fix { lines.append("help: \(fixSentence(fix))") }
        return lines.joined(separator: "\n")
    }

    /// The object, else `file:line`; a location (then a counter) is added
    /// when the name is already taken in this suite.
    static func uniqueName(for d: Diagnostic, paths: PathRelativizer, used: inout Set<String>)
        -> String
    {
        let location = d.span.map { "\(paths.displayPath($0.file)):\($0.line)" }
        let locationWithColumn = d.span.map { "\(paths.displayPath($0.file)):\($0.line):\($0.column)" }
        var candidates: [String] = []
        if let object = d.object {
            candidates.append(object.description)
            if let locationWithColumn {
                candidates.append("\(object.description) at \(locationWithColumn)")
            }
        } else if let location {
            candidates.append(location)
            if let locationWithColumn { candidates.append(locationWithColumn) }
        } else {
            candidates.append(d.message.isEmpty ? d.ruleID : d.message)
        }
        for candidate in candidates where used.insert(candidate).inserted {
            return candidate
        }
        let base = candidates.last ?? d.ruleID
        var counter = 2
        while !used.insert("\(base) #\(counter)").inserted { counter += 1 }
        return "\(base) #\(counter)"
    }

    static func classname(_ ruleID: String) -> String {
        ruleID.replacingOccurrences(of: ".", with: "_")
    }

    // MARK: XML escaping

    /// Allowed in XML 1.0: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Character data: `& < >` escaped (and `"` `'` for safety), illegal
    /// characters dropped, CR kept as a reference so parsers do not fold it.
    static func text(_ value: String) -> String {
        escape(value, newlines: false)
    }

    /// Attribute value: as `text`, plus tab/LF/CR as character references
    /// (parsers would otherwise normalise them to spaces).
    static func attribute(_ value: String) -> String {
        escape(value, newlines: true)
    }

    private static func escape(_ value: String, newlines: Bool) -> String {
        var out = ""
        for scalar in value.unicodeScalars where isAllowedInXML(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            case "\n" where newlines: out += "&#10;"
            case "\t" where newlines: out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
