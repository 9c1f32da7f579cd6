import Dispatch
import Foundation
import KubeDiagnostics
import KubeYAML

/// `helm template` of one chart folder, with each rendered object traced to its template by helm's
/// `# Source:` lines, and each rendered line to the template line it copies literally.
public enum HelmRender {
    /// helm's own default release name, so rendered names look as its users know them.
    static let releaseName = "release-name"

    /// `kubeVersion` (`1.31`) is the release the run targets: charts that choose API versions by
    /// `.Capabilities.KubeVersion` render for it, not for helm's built-in default.
    public static func render(
        _ chart: ChartFolder, tool: RenderTools.Tool, valuesFiles: [String], kubeVersion: String? = nil
    ) -> RenderOutcome {
        // A folder or file named `-x` must never read as a flag.
        let chartArgument = chart.path.hasPrefix("-") ? "./" + chart.path : chart.path
        var arguments = tool.prefix + [releaseName, chartArgument, "--include-crds"]
        for file in valuesFiles { arguments.append("--values=" + file) }
        if let kubeVersion { arguments.append("--kube-version=" + kubeVersion) }
        let run = ToolRun.run(tool.path, arguments)
        let label = displayPath(chart.path)
        guard run.status == 0 else {
            let message = run.errors.trimmingCharacters(in: .whitespacesAndNewlines)
            // Dependencies not fetched are this machine's state, not a mistake in the chart.
            if message.contains("missing in charts/ directory") {
                return .notRendered(
                    notRendered(
                        chart.chartFile,
                        "chart \(label) was not checked: its dependencies are not in \(label)/charts/; run `helm dependency build \(label)` first"
                    ))
            }
            // A values.schema.json `$ref` to a remote schema that helm could not fetch (no network
            // here): the chart may be right; helm did not get as far as rendering it.
            if message.contains("values don't meet the specifications of the schema"),
                let detail = message.split(separator: "\n").first(where: { $0.contains("failing loading \"http") }),
                ["HTTP request failed", "dial tcp", "no such host", "i/o timeout", "connection refused"].contains(
                    where: { detail.contains($0) })
            {
                return .notRendered(
                    notRendered(
                        chart.chartFile,
                        "chart \(label) was not checked: helm could not fetch a remote schema its values.schema.json refers to (\(detail.trimmingCharacters(in: .whitespaces))); run where that address is reachable, or vendor the schema into the chart"
                    ))
            }
            return .failed(
                renderProblem(
                    chart.chartFile,
                    "helm cannot render \(label): \(message.isEmpty ? "exit status \(run.status)" : message)"))
        }
        let name = "\(label) (helm template)"
        let text = run.output
        let loaded = YAMLLoader.load(text: text, file: name)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        // The template of each rendered line: the latest `# Source:` above it.
        var sourceOfLine: [String?] = [nil]
        var current: String?
        for line in lines {
            if line.hasPrefix("# Source: ") { current = String(line.dropFirst("# Source: ".count)) }
            sourceOfLine.append(current)
        }
        var templates: [String: [String]] = [:]
        var searchFrom: [String: Int] = [:]
        var documents: [RenderedDocument] = []
        for (position, document) in loaded.documents.enumerated() {
            let start = Int(document.root.start.line)
            let end =
                position + 1 < loaded.documents.count
                ? Int(loaded.documents[position + 1].root.start.line) - 1 : lines.count
            guard start < sourceOfLine.count, let source = sourceOfLine[start],
                let template = templatePath(source, chart: chart)
            else { continue }
            if templates[template] == nil {
                templates[template] =
                    ((try? String(contentsOfFile: template, encoding: .utf8)) ?? "")
                    .split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
            }
            let templateLines = templates[template] ?? []
            // Rendered lines in order against template lines in order: a rendered line equal to the next
            // literal template line (no `{{`) is that line. Text helm computed matches no template line.
            var literal: [Int: Int] = [:]
            var next = searchFrom[template] ?? 0
            for number in start...max(start, end) where number - 1 < lines.count {
                let rendered = lines[number - 1].trimmingCharacters(in: .whitespaces)
                guard !rendered.isEmpty, !rendered.hasPrefix("#"), rendered != "---" else { continue }
                var candidate = next
                while candidate < templateLines.count {
                    let written = templateLines[candidate]
                    if !written.contains("{{"), written.trimmingCharacters(in: .whitespaces) == rendered { break }
                    candidate += 1
                }
                if candidate < templateLines.count {
                    literal[number] = candidate + 1
                    next = candidate + 1
                }
            }
            searchFrom[template] = next
            let templated = templatedLines(
                literal: literal, renderedLines: lines, range: start...max(start, end), templateLines: templateLines)
            documents.append(
                RenderedDocument(
                    root: document.root, endLine: end,
                    source: .helm(
                        template: displayPath(template), literalLines: literal, templatedLines: templated,
                        templateLines: templateLines)))
        }
        return .rendered(
            RenderedInput(
                label: label, producer: "helm template \(label)", name: name, text: text,
                anchorFile: displayPath(chart.chartFile), documents: documents))
    }

    /// Rendered lines that are one template line's text with its action's output: between the
    /// literal lines around it, the only template line whose text before `{{` (`port: `) starts it.
    static func templatedLines(
        literal: [Int: Int], renderedLines: [String], range: ClosedRange<Int>, templateLines: [String]
    ) -> [Int: Int] {
        var templated: [Int: Int] = [:]
        for number in range where literal[number] == nil && number - 1 < renderedLines.count {
            let rendered = renderedLines[number - 1].trimmingCharacters(in: .whitespaces)
            guard !rendered.isEmpty, !rendered.hasPrefix("#") else { continue }
            let before = literal.filter { $0.key < number }.max { $0.key < $1.key }?.value ?? 0
            let after = literal.filter { $0.key > number }.min { $0.key < $1.key }?.value ?? templateLines.count + 1
            guard before + 1 < after else { continue }
            let candidates = (before + 1..<after).filter { line in
                guard line - 1 < templateLines.count else { return false }
                let text = templateLines[line - 1].trimmingCharacters(in: .whitespaces)
                guard let action = text.range(of: "{{") else { return false }
                let prefix = text[..<action.lowerBound]
                return prefix.count > 1 && (prefix.hasSuffix(": ") || prefix.hasPrefix("- "))
                    && rendered.hasPrefix(prefix)
            }
            if candidates.count == 1 { templated[number] = candidates[0] }
        }
        return templated
    }

    /// `CHART/templates/x.yaml` (CHART is the chart's name, not its folder) as a path under the chart
    /// folder; nil when it would leave it.
    static func templatePath(_ source: String, chart: ChartFolder) -> String? {
        let parts = source.split(separator: "/").dropFirst()
        guard !parts.isEmpty, !parts.contains(".."), !parts.contains(".") else { return nil }
        return chart.path + "/" + parts.joined(separator: "/")
    }
}

private enum RenderJob {
    case kustomization(KustomizationFolder)
    case chart(ChartFolder)
}

/// One slot per job, filled from concurrent workers.
private final class OutcomeSlots: @unchecked Sendable {
    private var slots: [RenderOutcome?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ outcome: RenderOutcome) {
        lock.lock()
        slots[index] = outcome
        lock.unlock()
    }

    var values: [RenderOutcome] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}

func notRendered(_ file: String, _ message: String) -> Diagnostic {
    Diagnostic(
        ruleID: InputProblem.notRendered.id, severity: .note,
        span: SourceSpan(file: displayPath(file), line: 1, column: 1), message: message)
}

extension RenderTools {
    /// Every kustomization built and every chart rendered, in that order; the tools run side by side
    /// (each is a process of its own, mostly waiting on files).
    public func renderAll(
        kustomizations: [KustomizationFolder], charts: [ChartFolder], valuesFiles: [String],
        kubeVersion: String? = nil
    ) -> [RenderOutcome] {
        let jobs = kustomizations.map { RenderJob.kustomization($0) } + charts.map { RenderJob.chart($0) }
        let results = OutcomeSlots(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            switch jobs[index] {
            case .kustomization(let folder): results.set(index, build(folder))
            case .chart(let chart):
                results.set(index, render(chart, valuesFiles: valuesFiles, kubeVersion: kubeVersion))
            }
        }
        return results.values
    }

    /// What happens to a kustomization here: built, or a note saying how to get kustomize.
    public func build(_ folder: KustomizationFolder) -> RenderOutcome {
        guard let kustomize else {
            return .notRendered(
                notRendered(
                    folder.file,
                    "kustomization \(displayPath(folder.path)) was not checked: neither kustomize nor kubectl is on PATH; install kubectl (it carries kustomize) or kustomize, or name one with KUBEWIRE_KUBECTL / KUBEWIRE_KUSTOMIZE"
                ))
        }
        return KustomizeBuild.build(folder, tool: kustomize)
    }

    /// What happens to a chart here: rendered, or a note saying how to get helm.
    public func render(_ chart: ChartFolder, valuesFiles: [String], kubeVersion: String? = nil) -> RenderOutcome {
        guard let helm else {
            return .notRendered(
                notRendered(
                    chart.chartFile,
                    "chart \(displayPath(chart.path)) was not checked: helm is not on PATH; install helm (https://helm.sh/docs/intro/install/) or name it with KUBEWIRE_HELM"
                ))
        }
        return HelmRender.render(chart, tool: helm, valuesFiles: valuesFiles, kubeVersion: kubeVersion)
    }
}
