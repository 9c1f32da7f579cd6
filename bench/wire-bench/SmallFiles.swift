import CRawParse
import Foundation

/// The small-file corpus, as repositories keep manifests: 1.3 KB Deployment+Service files in
/// folders of 50 and one large Ingress. Here per-file and per-object costs show, which the large
/// files of the main corpus hide behind parsing. The check is the real `kubewire check` binary
/// built beside wire-bench, in a fresh process per run, so its CPU time (user + system, from
/// wait4) and peak RSS are the whole command's; the raw parse runs on one thread of this process
/// and its CPU time is that thread's.
enum SmallFiles {
    enum Targets {
        static let cpuRatio = 2.5
        static let wallRatio = 1.5
        static let peakRSSMiB = 64.0
        static let linearity = 11.0
        static let formatSpread = 0.05
    }

    struct Cost {
        var wall: Double
        var cpu: Double
        var peakRSSKiB: Int = 0
    }

    struct Round {
        var raw: Cost
        var text: Cost
        var sarif: Cost
        var rawLarge: Cost
        var textLarge: Cost
    }

    /// `kubewire` beside this executable (as `swift build` and `make bench` place it), or
    /// `KUBEWIRE_BIN`.
    static var kubewire: String? {
        let beside = Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("kubewire").path
        return [ProcessInfo.processInfo.environment["KUBEWIRE_BIN"], beside].compactMap { $0 }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func raw(_ corpus: Corpus) throws -> Cost {
        let cpuStart = kubewire_thread_cpu_seconds()
        let wall = try Bench.seconds { _ = try Bench.rawOnce(corpus) }
        return Cost(wall: wall, cpu: kubewire_thread_cpu_seconds() - cpuStart)
    }

    /// `kubewire check <corpus> [arguments]`, its output to `output`.
    static func check(_ executable: String, _ corpus: Corpus, _ arguments: [String], output: String) throws -> Cost {
        let argv = [executable, "check", corpus.root.path] + arguments
        var pointers = argv.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        var cost = kubewire_child_cost()
        guard kubewire_run_measured(&pointers, output, &cost) == 0 else {
            throw HarnessError(description: "cannot start \(executable)")
        }
        // Exit 1 is "findings at or above --fail-on" (the planted bugs); anything else is a failure.
        let exited = cost.status & 0x7f == 0
        let code = (cost.status >> 8) & 0xff
        guard exited, code == 0 || code == 1 else {
            throw HarnessError(description: "kubewire check \(corpus.root.path) ended with status \(cost.status)")
        }
        return Cost(wall: cost.wall, cpu: cost.user + cost.system, peakRSSKiB: cost.peak_rss_kib)
    }

    /// (rule, file relative to the corpus) of every finding, from one `--format json` run.
    static func findings(_ executable: String, _ corpus: Corpus, scratch: URL) throws -> [(rule: String, file: String)]
    {
        let output = scratch.appendingPathComponent("findings-\(corpus.pairs).json").path
        _ = try check(executable, corpus, ["--format", "json"], output: output)
        struct Report: Decodable {
            struct Entry: Decodable {
                struct Location: Decodable { var file: String }
                var rule: String
                var location: Location?
            }
            var diagnostics: [Entry]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: output)))
        let prefix = corpus.root.path.hasSuffix("/") ? corpus.root.path : corpus.root.path + "/"
        return report.diagnostics.map { entry in
            let file = entry.location?.file ?? "-"
            return (entry.rule, file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file)
        }
    }

    static func run(pairs: Int, scale: Int, runs: Int, base: URL) throws {
        print("")
        print("small-file corpus: kubewire check (the command, a fresh process) vs. bare libyaml parse")
        guard let executable = kubewire else {
            print("  skipped: no kubewire beside wire-bench (swift build -c release builds it; or set KUBEWIRE_BIN)")
            return
        }
        let scratch = base.appendingPathComponent("small-out")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let output = scratch.appendingPathComponent("report").path
        var small: Corpus?
        var large: Corpus?
        let generated = try Bench.seconds {
            small = try Corpus.generate(pairs: pairs, at: base.appendingPathComponent("small-1x"), shape: .small)
            large = try Corpus.generate(
                pairs: pairs * scale, at: base.appendingPathComponent("small-\(scale)x"), shape: .small)
        }
        guard let small, let large else { throw HarnessError(description: "no corpus") }
        for (label, corpus) in [("1x", small), ("\(scale)x", large)] {
            let ingress =
                (try? FileManager.default.attributesOfItem(
                    atPath: corpus.root.appendingPathComponent("ingress.yaml").path)[.size] as? Int) ?? 0
            print(
                "  corpus \(label): \(corpus.files.count) files, \(corpus.objects) objects, \(Bench.mb(corpus.bytes)) "
                    + "(pairs of \(String(format: "%.2f KB", Double(corpus.bytes - ingress) / Double(corpus.pairs) / 1e3)), "
                    + "ingress \(String(format: "%.0f KB", Double(ingress) / 1e3)))")
        }
        print("  generated in \(Bench.secs(generated)); \(runs) rounds, interleaved; figures are medians")

        var rounds: [Round] = []
        for round in 0..<runs {
            let raw = try raw(small)
            // Text and sarif alternate which goes first, so neither always meets a warmer cache.
            var text: Cost
            var sarif: Cost
            if round % 2 == 0 {
                text = try check(executable, small, [], output: output)
                sarif = try check(executable, small, ["--format", "sarif"], output: output)
            } else {
                sarif = try check(executable, small, ["--format", "sarif"], output: output)
                text = try check(executable, small, [], output: output)
            }
            let rawLarge = try self.raw(large)
            let textLarge = try check(executable, large, [], output: output)
            rounds.append(Round(raw: raw, text: text, sarif: sarif, rawLarge: rawLarge, textLarge: textLarge))
        }
        let median = Bench.median
        func column(_ text: String, _ width: Int) -> String { Bench.column(text, width) }
        func secs(_ value: Double) -> String { String(format: "%.3f s", value) }
        func ratio(_ value: Double) -> String { String(format: "%.2fx", value) }

        print("  " + column("", 44) + column("wall", 10) + column("CPU", 10) + "peak RSS")
        func line(_ label: String, _ costs: [Cost]) {
            let rss = costs.map(\.peakRSSKiB).max() ?? 0
            print(
                "  " + column(label, 44) + column(secs(median(costs.map(\.wall))), 10)
                    + column(secs(median(costs.map(\.cpu))), 10)
                    + (rss > 0 ? String(format: "%.1f MiB", Double(rss) / 1024) : ""))
        }
        line("raw libyaml event parse, 1 thread", rounds.map(\.raw))
        line("kubewire check (text)", rounds.map(\.text))
        line("kubewire check --format sarif", rounds.map(\.sarif))
        line("raw parse, \(scale)x", rounds.map(\.rawLarge))
        line("kubewire check (text), \(scale)x", rounds.map(\.textLarge))

        func target(_ label: String, _ value: Double, _ shown: String, _ limit: String, _ ok: Bool) {
            print("  " + column(label, 44) + column(shown, 10) + column(limit, 22) + Bench.verdict(ok))
        }
        let cpuRatio = median(rounds.map { $0.text.cpu / $0.raw.cpu })
        let wallRatio = median(rounds.map { $0.text.wall / $0.raw.wall })
        target(
            "check CPU / raw CPU (median of rounds)", cpuRatio, ratio(cpuRatio),
            String(format: "target <= %.1fx", Targets.cpuRatio), cpuRatio <= Targets.cpuRatio)
        target(
            "check wall / raw wall (median of rounds)", wallRatio, ratio(wallRatio),
            String(format: "target <= %.1fx", Targets.wallRatio), wallRatio <= Targets.wallRatio)
        let peak = Double(rounds.map(\.text.peakRSSKiB).max() ?? 0) / 1024
        target(
            "peak RSS of the check (max)", peak, String(format: "%.1f MiB", peak),
            String(format: "target <= %.0f MiB", Targets.peakRSSMiB), peak > 0 && peak <= Targets.peakRSSMiB)
        let growthWall = median(rounds.map { $0.textLarge.wall / $0.text.wall })
        let growthCPU = median(rounds.map { $0.textLarge.cpu / $0.text.cpu })
        let rawGrowth = median(rounds.map { $0.rawLarge.cpu / $0.raw.cpu })
        let limit = Targets.linearity * Double(scale) / 10
        target(
            "check wall growth \(scale)x/1x", growthWall, ratio(growthWall), String(format: "target <= %.1fx", limit),
            growthWall <= limit)
        target(
            "check CPU growth \(scale)x/1x", growthCPU, ratio(growthCPU), String(format: "target <= %.1fx", limit),
            growthCPU <= limit)
        print("  " + column("raw CPU growth \(scale)x/1x", 44) + ratio(rawGrowth))
        let sarifWall = median(rounds.map { $0.sarif.wall / $0.text.wall })
        let sarifCPU = median(rounds.map { $0.sarif.cpu / $0.text.cpu })
        let spread = String(format: "target %.2f-%.2fx", 1 - Targets.formatSpread, 1 + Targets.formatSpread)
        target(
            "sarif / text wall", sarifWall, ratio(sarifWall), spread, abs(sarifWall - 1) <= Targets.formatSpread)
        target("sarif / text CPU", sarifCPU, ratio(sarifCPU), spread, abs(sarifCPU - 1) <= Targets.formatSpread)

        for (label, corpus) in [("1x", small), ("\(scale)x", large)] {
            let found = try findings(executable, corpus, scratch: scratch)
            let hits = corpus.bugs.filter { bug in found.contains { $0.rule == bug.rule && $0.file == bug.file } }
            let others = found.filter { finding in
                !corpus.bugs.contains { $0.rule == finding.rule && $0.file == finding.file }
            }
            target(
                "planted bugs, \(label)", 0, "\(hits.count)/\(corpus.bugs.count)", "target: all",
                hits.count == corpus.bugs.count)
            for bug in corpus.bugs where !hits.contains(bug) {
                print("    MISSED \(bug.rule) \(bug.file): \(bug.what)")
            }
            print("    other findings: \(others.count)")
            for finding in others.prefix(5) { print("      \(finding.rule) \(finding.file)") }
        }
    }
}
