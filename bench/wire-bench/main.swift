// wire-bench: how much kubewire's full check costs over libyaml's bare parse.
//
//   wire-bench [--pairs 5000] [--scale 10] [--runs 5] [--keep]   (--help for details)
//
// Generates a synthetic corpus (Deployment+Service pairs and one Ingress,
// with planted wiring bugs), times a bare libyaml event parse of it and the
// full check (ManifestLoader.load + Checker.check, measured in a child
// process so its peak RSS is its own), repeats at `--scale` times the size
// for linearity, and prints every figure next to its target. Exits non-zero
// only when the harness itself fails.

import CRawParse
import Foundation
import KubeDiagnostics
import KubeModel
import KubeReport
import KubeRules
import KubeYAML

struct Finding: Codable, Hashable {
    var rule: String
    var file: String
    var line: Int
    var message: String
}

/// What the child process measured (one line of JSON on stdout).
struct CheckResult: Codable {
    var bestSeconds: Double
    var loadSeconds: Double
    var checkSeconds: Double
    var objects: Int
    var files: Int
    var problems: [String]
    var findings: [Finding]
    var peakRSSKiB: Int
    /// Rendering the run's report in each format (a fresh source map each, so each pays its own
    /// line indexing), in seconds, by `OutputFormat` raw value.
    var renderSeconds: [String: Double]
}

enum Targets {
    static let ratio = 2.0
    static let peakRSSMiB = 64.0
    static let linearity = 11.0
    /// Rendering a format costs at most this share of the check.
    static let renderShare = 0.05
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

enum Bench {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// `VmHWM` of this process, in KiB (0 where /proc is missing).
    static func peakRSSKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") ?? 0
        }
        return 0
    }

    // MARK: child: the full check

    /// `WIRE_BENCH_DISABLE=unknown-field,…`: what a rule costs, by timing the check without it.
    static var disabledRules: Set<String> {
        Set((ProcessInfo.processInfo.environment["WIRE_BENCH_DISABLE"] ?? "").split(separator: ",").map(String.init))
    }

    static func childCheck(directory: String, runs: Int) throws {
        var best: (total: Double, load: Double, check: Double)?
        var summary: (objects: Int, files: Int, problems: [Diagnostic], findings: [Diagnostic])?
        var renderSeconds: [String: Double] = [:]
        for _ in 0..<runs {
            // One run's graph at a time: nothing of the previous run is alive.
            do {
                var loaded: LoadedManifests?
                var findings: [Diagnostic] = []
                let load = seconds { loaded = ManifestLoader.load([.path(directory)]) }
                guard let loaded else { throw HarnessError(description: "load returned nothing") }
                let checker = Checker(policy: Policy(disabled: disabledRules))
                let check = seconds { findings = checker.check(loaded.graph) }
                if best == nil || load + check < best?.total ?? .infinity { best = (load + check, load, check) }
                summary = (loaded.graph.objects.count, loaded.inputNames.count, loaded.problems, findings)
                // As `kubewire check` builds its report; the source map starts empty for each format.
                for format in OutputFormat.allCases {
                    let report = Report(
                        diagnostics: loaded.problems + findings, rules: checker.rules + InputProblem.all,
                        sources: SourceMap(), inputCount: loaded.inputNames.count,
                        objectCount: loaded.graph.objects.count)
                    var bytes = 0
                    let time = seconds {
                        bytes =
                            render(
                                report, as: format,
                                options: RenderOptions(workingDirectory: FileManager.default.currentDirectoryPath)
                            ).utf8.count
                    }
                    if bytes == 0 { throw HarnessError(description: "\(format) rendered nothing") }
                    renderSeconds[format.rawValue] = min(renderSeconds[format.rawValue] ?? .infinity, time)
                }
            }
        }
        guard let best, let summary else { throw HarnessError(description: "no run") }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        func relative(_ file: String) -> String { file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file }
        let result = CheckResult(
            bestSeconds: best.total, loadSeconds: best.load, checkSeconds: best.check,
            objects: summary.objects, files: summary.files,
            problems: summary.problems.map { "\($0.span?.description ?? "-") \($0.ruleID): \($0.message)" },
            findings: summary.findings.map {
                Finding(
                    rule: $0.ruleID, file: relative($0.span?.file ?? "-"), line: $0.span?.line ?? 0, message: $0.message
                )
            },
            peakRSSKiB: peakRSSKiB(), renderSeconds: renderSeconds)
        let data = try JSONEncoder().encode(result)
        FileHandle.standardOutput.write(Data("RESULT ".utf8) + data + Data("\n".utf8))
    }

    /// Each pass run alone on one thread, costliest first: where the rules' time goes. A pass
    /// runs once for all its rules (the schema walk and the API version rules are one pass).
    static func ruleCosts(directory: String) {
        let loaded = ManifestLoader.load([.path(directory)])
        let checker = Checker()
        var costs: [(id: String, seconds: Double)] = []
        // WIRE_BENCH_RULE=id runs the pass of that rule 20 times: a profile of it alone.
        let only = ProcessInfo.processInfo.environment["WIRE_BENCH_RULE"]
        for pass in RuleRegistry.passes where only == nil || pass.rules.contains(where: { $0.id == only }) {
            let ids = Set(pass.rules.map(\.id))
            let name = pass.rules.count == 1 ? pass.rules[0].id : "\(pass.rules[0].id) (+\(pass.rules.count - 1))"
            if only != nil { for _ in 0..<19 { _ = pass.run(loaded.graph, context: checker.context, enabled: ids) } }
            let time = seconds { _ = pass.run(loaded.graph, context: checker.context, enabled: ids) }
            costs.append((name, time))
        }
        let total = costs.reduce(0) { $0 + $1.seconds }
        print(String(format: "%d passes, %.3f s in all, one thread", costs.count, total))
        for cost in costs.sorted(by: { $0.seconds > $1.seconds }) where cost.seconds >= 0.0005 {
            print(
                "  \(cost.id.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%8.4f s", cost.seconds))"
            )
        }
    }

    /// Resident memory after each stage of a load, to see where it goes.
    static func memoryBreakdown(directory: String) throws {
        func rss() -> String {
            let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            let resident = String(line.dropFirst(6)).trimmingCharacters(in: .whitespaces)
            // glibc's view: bytes handed out, and bytes free inside the heaps (fragmentation).
            var inUse = 0
            var free = 0
            kubewire_heap_stats(&inUse, &free)
            return "\(resident) (malloc: \(inUse >> 10) kB in use, \(free >> 10) kB free in its heaps)"
        }
        print("start: \(rss())")
        if CommandLine.arguments.contains("--graph-first") {
            let loaded = ManifestLoader.load([.path(directory)])
            print("ManifestLoader.load (graph): \(rss())")
            let findings = Checker().check(loaded.graph)
            print("after check (\(findings.count) findings): \(rss()), peak \(peakRSSKiB()) kB")
            return
        }
        let files = (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.map { directory + "/" + $0 }
        var kept: [YAMLLoadResult] = []
        for file in files { kept.append(YAMLLoader.load(path: file, vocabulary: .kubernetes)) }
        print("YAML trees of \(kept.count) files: \(rss())")
        kept = []
        print("trees released: \(rss())")
        let loaded = ManifestLoader.load([.path(directory)])
        print("ManifestLoader.load (graph): \(rss())")
        let findings = Checker().check(loaded.graph)
        print("after check (\(findings.count) findings): \(rss())")
        print("peak: \(peakRSSKiB()) kB")
    }

    static func runChild(directory: URL, runs: Int) throws -> CheckResult {
        guard let executable = Bundle.main.executableURL else { throw HarnessError(description: "no executable path") }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--phase", "check", "--dir", directory.path, "--runs", String(runs)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError(description: "the check child exited \(process.terminationStatus)")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }) else {
            throw HarnessError(description: "the check child printed no result:\n\(text)")
        }
        return try JSONDecoder().decode(CheckResult.self, from: Data(line.dropFirst(7).utf8))
    }

    // MARK: parent

    static func rawOnce(_ corpus: Corpus) throws -> Double {
        let paths = corpus.files.map { corpus.root.appendingPathComponent($0).path }
        var events = 0
        let time = try seconds { events = try RawParse.run(files: paths) }
        guard events > corpus.objects else { throw HarnessError(description: "raw parse saw \(events) events") }
        return time
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// One round: the raw parse and the full check of each corpus, back to back, so the ratios
    /// of a round compare measurements taken under the same machine conditions. Each check is a
    /// fresh process running once, as `kubewire check` does.
    struct Round {
        var raw: Double
        var full: CheckResult
        var rawLarge: Double
        var fullLarge: CheckResult
    }

    static func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
    static func secs(_ value: Double) -> String { String(format: "%.3f s", value) }
    static func rate(_ objects: Int, _ time: Double) -> String {
        String(format: "%.0f objects/s", Double(objects) / max(time, 1e-9))
    }
    static func verdict(_ ok: Bool) -> String { ok ? "PASS" : "MISSED" }
    static func column(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func parent(pairs: Int, smallPairs: Int, scale: Int, runs: Int, keep: Bool, onlySmall: Bool) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wire-bench-\(ProcessInfo.processInfo.processIdentifier)")
        defer { if !keep { try? FileManager.default.removeItem(at: base) } }
        if onlySmall {
            try SmallFiles.run(pairs: smallPairs, scale: scale, runs: runs, base: base)
            if keep { print("\ncorpus kept in \(base.path)") }
            return
        }
        print("wire-bench: kubewire full check vs. bare libyaml parse")
        print(
            "machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; \(runs) rounds (times: best round; ratios: median of the rounds' own); corpus in \(base.path)"
        )

        var small: Corpus?
        let smallTime = try seconds { small = try Corpus.generate(pairs: pairs, at: base.appendingPathComponent("1x")) }
        var large: Corpus?
        let largeTime = try seconds {
            large = try Corpus.generate(pairs: pairs * scale, at: base.appendingPathComponent("\(scale)x"))
        }
        guard let small, let large else { throw HarnessError(description: "no corpus") }
        for (label, corpus, time) in [("1x", small, smallTime), ("\(scale)x", large, largeTime)] {
            print(
                "corpus \(label): \(corpus.files.count) files, \(corpus.objects) objects, \(mb(corpus.bytes)) "
                    + "(generated in \(secs(time)))")
        }

        var rounds: [Round] = []
        for _ in 0..<runs {
            rounds.append(
                Round(
                    raw: try rawOnce(small), full: try runChild(directory: small.root, runs: 1),
                    rawLarge: try rawOnce(large), fullLarge: try runChild(directory: large.root, runs: 1)))
        }
        guard let first = rounds.first else { throw HarnessError(description: "no round") }
        for result in [first.full, first.fullLarge] where !result.problems.isEmpty {
            throw HarnessError(
                description: "the corpus has input problems:\n" + result.problems.prefix(5).joined(separator: "\n"))
        }
        guard first.full.objects == small.objects, first.fullLarge.objects == large.objects else {
            throw HarnessError(
                description:
                    "loaded \(first.full.objects)/\(first.fullLarge.objects) objects, generated \(small.objects)/\(large.objects)"
            )
        }
        // Times are the best round's; ratios are the median of the rounds' own ratios.
        let raw = rounds.map(\.raw).min() ?? .nan
        let rawLarge = rounds.map(\.rawLarge).min() ?? .nan
        let full = rounds.map(\.full).min { $0.bestSeconds < $1.bestSeconds } ?? first.full
        let fullLarge = rounds.map(\.fullLarge).min { $0.bestSeconds < $1.bestSeconds } ?? first.fullLarge
        let peakKiB = rounds.map(\.full.peakRSSKiB).max() ?? 0
        let ratio = median(rounds.map { $0.full.bestSeconds / $0.raw })
        let rawGrowth = median(rounds.map { $0.rawLarge / $0.raw })
        let growth = median(rounds.map { $0.fullLarge.bestSeconds / $0.full.bestSeconds })

        print("")
        print("1x corpus (\(small.objects) objects)")
        print("  " + column("raw libyaml event parse, 1 thread", 40) + column(secs(raw), 12) + rate(small.objects, raw))
        print(
            "  " + column("full check (load + rules)", 40) + column(secs(full.bestSeconds), 12)
                + rate(small.objects, full.bestSeconds))
        print("  " + column("  of which load (parallel parse)", 40) + secs(full.loadSeconds))
        print("  " + column("  of which rules", 40) + secs(full.checkSeconds))
        print(
            "  " + column("ratio full/raw (median of rounds)", 40) + column(String(format: "%.2fx", ratio), 12)
                + column(String(format: "target <= %.1fx", Targets.ratio), 22) + verdict(ratio <= Targets.ratio))
        let peak = Double(peakKiB) / 1024
        print(
            "  " + column("peak RSS of the full check (VmHWM, max)", 40) + column(String(format: "%.1f MiB", peak), 12)
                + column(String(format: "target <= %.0f MiB", Targets.peakRSSMiB), 22)
                + verdict(peak > 0 && peak <= Targets.peakRSSMiB))
        printFormats(rounds.map { ($0.raw, $0.full) }, best: full)
        print("")
        print("\(scale)x corpus (\(large.objects) objects)")
        print(
            "  " + column("raw libyaml event parse, 1 thread", 40) + column(secs(rawLarge), 12)
                + rate(large.objects, rawLarge))
        print(
            "  " + column("full check (load + rules)", 40) + column(secs(fullLarge.bestSeconds), 12)
                + rate(large.objects, fullLarge.bestSeconds))
        print("  " + column("  of which load (parallel parse)", 40) + secs(fullLarge.loadSeconds))
        print("  " + column("  of which rules", 40) + secs(fullLarge.checkSeconds))
        print(
            "  " + column("peak RSS of the full check (VmHWM)", 40)
                + String(format: "%.1f MiB (informational)", Double(fullLarge.peakRSSKiB) / 1024))
        printFormats(rounds.map { ($0.rawLarge, $0.fullLarge) }, best: fullLarge)
        print("  " + column("raw time growth \(scale)x/1x (median)", 40) + String(format: "%.2fx", rawGrowth))
        let limit = Targets.linearity * Double(scale) / 10
        print(
            "  " + column("full check growth \(scale)x/1x (median)", 40) + column(String(format: "%.2fx", growth), 12)
                + column(String(format: "target <= %.1fx", limit), 22) + verdict(growth <= limit))

        print("")
        var allFound = true
        for (label, corpus, result) in [("1x", small, full), ("\(scale)x", large, fullLarge)] {
            let found = corpus.bugs.filter { bug in
                result.findings.contains { $0.rule == bug.rule && $0.file == bug.file }
            }
            let unexpected = result.findings.filter { finding in
                !corpus.bugs.contains { $0.rule == finding.rule && $0.file == finding.file }
            }
            let ok = found.count == corpus.bugs.count
            allFound = allFound && ok
            print(
                "planted bugs, \(label): " + column("\(found.count)/\(corpus.bugs.count) found", 40 - 16 - label.count)
                    + column("", 12) + column("target: all", 22) + verdict(ok))
            for bug in corpus.bugs {
                let hit = result.findings.first { $0.rule == bug.rule && $0.file == bug.file }
                let status = hit.map { "found at line \($0.line)" } ?? "MISSED"
                print("    " + column(bug.rule, 20) + column(bug.file, 26) + column(status, 18) + bug.what)
            }
            print("    other findings: \(unexpected.count)")
            for finding in unexpected.prefix(5) {
                print("      \(finding.rule) \(finding.file):\(finding.line) \(finding.message)")
            }
        }
        print("")
        print("hostile inputs (each checked in a fresh process; every one refused or bounded)")
        for hostile in try Hostile.generate(at: base.appendingPathComponent("hostile")) {
            let result = try runChild(directory: hostile.directory, runs: 1)
            let peak = Double(result.peakRSSKiB) / 1024
            let outcome = result.problems.first.map { String($0.prefix(60)) } ?? "\(result.objects) objects, no problem"
            print(
                "  " + column(hostile.name, 40) + column(String(format: "%.1f MiB", peak), 12)
                    + column(String(format: "target <= %.0f MiB", Targets.peakRSSMiB), 22)
                    + column(verdict(peak > 0 && peak <= Targets.peakRSSMiB), 8) + outcome)
        }
        KubernetesValidate.report(small, kubewireSeconds: full.bestSeconds)
        try SmallFiles.run(pairs: smallPairs, scale: scale, runs: runs, base: base)
        if keep { print("\ncorpus kept in \(base.path)") }
        _ = allFound
    }

    /// Per output format: rendering's time and share of the check, and the full check with that
    /// rendering against the raw parse (the median of the rounds' own ratios).
    static func printFormats(_ rounds: [(raw: Double, full: CheckResult)], best: CheckResult) {
        print("  per output format (render = building the report text, as kubewire check --format F):")
        for format in OutputFormat.allCases.map(\.rawValue) {
            let render = best.renderSeconds[format] ?? .nan
            let share = median(rounds.map { ($0.full.renderSeconds[format] ?? .nan) / $0.full.bestSeconds })
            let ratio = median(rounds.map { ($0.full.bestSeconds + ($0.full.renderSeconds[format] ?? .nan)) / $0.raw })
            print(
                "    " + column(format, 8) + column("render " + String(format: "%.4f s", render), 20)
                    + column(String(format: "%.2f%% of check", share * 100), 16)
                    + column(String(format: "<= %.0f%%", Targets.renderShare * 100), 8)
                    + column(verdict(share <= Targets.renderShare), 8)
                    + column(String(format: "full %.2fx raw", ratio), 16)
                    + column(String(format: "<= %.1fx", Targets.ratio), 8) + verdict(ratio <= Targets.ratio))
        }
    }

    static let usage = """
        usage: wire-bench [--pairs N] [--small-pairs N] [--scale N] [--runs N] [--keep]
          --pairs N   Deployment+Service pairs in the 1x corpus (default 5000, at least 100)
          --small-pairs N
                      1.3 KB pair files in the small-file corpus, checked by the kubewire
                      executable beside wire-bench (default 5001: 10,003 objects in 5,002 files)
          --scale N   size of the linearity corpus against the 1x one (default 10, at least 2)
          --runs N    rounds, each timing the raw parse and the full check of both corpora
                      back to back (default 5); times are the best round's, ratios the median
          --keep      keep the generated corpora and print where they are
               wire-bench --phase small [--small-pairs N] [--scale N] [--runs N] [--keep]
                      the small-file corpus alone
               wire-bench --phase rule-costs|memory --dir CORPUS
                      what each rule costs alone / resident memory after each load stage
               wire-bench --phase lsp [--pairs N] [--runs N]
                      kubewire lsp: edit-to-diagnostics time after the debounce in a workspace of
                      N pairs (default 100: 201 objects), 2 edits per run (default 20 runs)
        """

    // Arguments are read by hand, not with ArgumentParser: the timed child is this same
    // executable, and its peak RSS is a target, so it links nothing it does not measure.
    static func main(_ arguments: [String]) -> Int32 {
        func fail(_ message: String) -> Int32 {
            FileHandle.standardError.write(Data("wire-bench: \(message)\n\(usage)\n".utf8))
            return 2
        }
        var options: [String: String] = [:]
        var flags = Set<String>()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--help" || argument == "-h" {
                print(usage)
                return 0
            } else if argument == "--keep" || argument == "--graph-first" {
                flags.insert(argument)
            } else if ["--pairs", "--small-pairs", "--scale", "--runs", "--phase", "--dir"].contains(argument),
                index + 1 < arguments.count
            {
                options[argument] = arguments[index + 1]
                index += 1
            } else {
                return fail("unexpected argument \(argument)")
            }
            index += 1
        }
        func number(_ option: String, default defaultValue: Int, atLeast minimum: Int) -> Int? {
            guard let text = options[option] else { return defaultValue }
            guard let value = Int(text), value >= minimum else { return nil }
            return value
        }
        guard let runs = number("--runs", default: 5, atLeast: 1) else {
            return fail("--runs takes a whole number >= 1")
        }
        guard let pairs = number("--pairs", default: 5_000, atLeast: 100) else {
            return fail("--pairs takes a whole number >= 100")
        }
        guard let scale = number("--scale", default: 10, atLeast: 2) else {
            return fail("--scale takes a whole number >= 2")
        }
        guard let smallPairs = number("--small-pairs", default: 5_001, atLeast: 100) else {
            return fail("--small-pairs takes a whole number >= 100")
        }
        do {
            switch options["--phase"] {
            case "memory", "check", "rule-costs":
                guard let directory = options["--dir"] else { return fail("--phase needs --dir") }
                if options["--phase"] == "rule-costs" {
                    ruleCosts(directory: directory)
                } else if options["--phase"] == "memory" {
                    try memoryBreakdown(directory: directory)
                } else {
                    try childCheck(directory: directory, runs: runs)
                }
            case "lsp":
                try LanguageServerLatency.run(
                    pairs: options["--pairs"] == nil ? 100 : pairs, runs: options["--runs"] == nil ? 20 : runs)
            case nil, "small":
                try parent(
                    pairs: pairs, smallPairs: smallPairs, scale: scale, runs: runs, keep: flags.contains("--keep"),
                    onlySmall: options["--phase"] == "small")
            case let phase?:
                return fail("unknown phase \(phase)")
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("wire-bench: \(error)\n".utf8))
            return 1
        }
    }
}

exit(Bench.main(Array(CommandLine.arguments.dropFirst())))
