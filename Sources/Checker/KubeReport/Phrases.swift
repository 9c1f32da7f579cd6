import KubeDiagnostics

func plural(_ count: Int, _ word: String) -> String {
    "\(count) \(word)\(count == 1 ? "" : "s")"
}

/// "in 12 files (240 objects)"
func scopePhrase(_ report: Report) -> String {
    let unchecked = report.notValidatedCount > 0 ? ", \(report.notValidatedCount) not validated: no schema" : ""
    let skipped =
        report.skippedFiles.isEmpty
        ? "" : "; \(plural(report.skippedFiles.count, "file")) skipped: not Kubernetes objects"
    let harness =
        report.testHarnessFiles.isEmpty
        ? "" : "; \(plural(report.testHarnessFiles.count, "test-harness file")) skipped: kuttl/chainsaw test steps"
    let patches =
        report.unusedPatchFiles.isEmpty
        ? ""
        : "; \(plural(report.unusedPatchFiles.count, "kustomize patch file")) skipped: no kustomization uses them"
    return
        "in \(plural(report.inputCount, "file")) (\(plural(report.objectCount, "object"))\(unchecked))\(skipped)\(harness)\(patches)"
}

/// The fix as one line of prose: its message, plus the replacement if any.
func fixSentence(_ fix: SuggestedFix) -> String {
    guard let replacement = fix.replacement else { return fix.message }
    if replacement.isEmpty { return "\(fix.message) (remove the marked text)" }
    return "\(fix.message) (replace with `\(replacement)`)"
}

extension String {
    func leftPadded(to width: Int, with pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// Message text for formats read as lines (text, github): `\n` and `\r` are written as those two
/// characters, tabs kept, and other control characters (ESC sequences, C1 controls, bidi overrides)
/// replaced by U+FFFD, so text from a manifest can neither add a line nor drive the terminal.
func escapeControlCharacters(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0 != "\t" && TextRenderer.isControl($0) }) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\t": out.append(scalar)
        case "\n": out.append(contentsOf: "\\n".unicodeScalars)
        case "\r": out.append(contentsOf: "\\r".unicodeScalars)
        case _ where TextRenderer.isControl(scalar): out.append("\u{FFFD}")
        default: out.append(scalar)
        }
    }
    return String(out)
}
