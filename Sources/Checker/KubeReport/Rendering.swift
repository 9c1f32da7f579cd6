import KubeDiagnostics

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

/// The text format's last line alone (`error: 1 error in 9 files (19 objects)`), for the terminal
/// when the report itself goes to a file.
public func renderSummary(_ report: Report, color: Bool) -> String {
    TextRenderer(color: color).summary(report)
}
