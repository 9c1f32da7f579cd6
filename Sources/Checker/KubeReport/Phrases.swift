import KubeDiagnostics

func plural(_ count: Int, _ word: String) -> String {
    "\(count) \(word)\(count == 1 ? "" : "s")"
}

/// "in 12 files (240 objects)"
func scopePhrase(_ report: Report) -> String {
    let unchecked = report.notValidatedCount > 0 ? ", \(report.notValidatedCount) not validated: no schema" : ""
    let skipped =
        report.skippedFiles.isEmpty
        ? "" : "; \(plural(report.skippedFiles.count, "YAML file")) skipped: not Kubernetes objects"
    return "in \(plural(report.inputCount, "file")) (\(plural(report.objectCount, "object"))\(unchecked))\(skipped)"
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
