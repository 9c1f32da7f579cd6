import Foundation
import Testing

/// Two packages: the checker at the root, whose only dependency is swift-argument-parser, and the
/// blog with the local cluster in blog/, which uses the checker by path.
@Suite("Packages: the checker alone at the root, the blog in blog/")
struct PackageSplitTests {
    /// identity → revision of a committed Package.resolved.
    static func pins(_ path: String) throws -> [String: String] {
        let data = try Data(contentsOf: packageRoot.appendingPathComponent(path))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let pins = try #require(object["pins"] as? [[String: Any]], "\(path) has no pins")
        var revisions: [String: String] = [:]
        for pin in pins {
            guard let identity = pin["identity"] as? String else { continue }
            revisions[identity] = (pin["state"] as? [String: Any])?["revision"] as? String ?? ""
        }
        return revisions
    }

    @Test func theCheckerResolvesOneDependencyAndTheBlogTheSameRevisionOfIt() throws {
        let checker = try Self.pins("Package.resolved")
        #expect(Array(checker.keys) == ["swift-argument-parser"], "\(checker.keys.sorted())")
        let blog = try Self.pins("blog/Package.resolved")
        #expect(blog["swift-argument-parser"] == checker["swift-argument-parser"])
        for identity in ["swift-nio", "hummingbird", "grdb.swift", "async-http-client"] {
            #expect(blog[identity] != nil, "blog/Package.resolved pins no \(identity)")
        }
    }

    /// The modules a Swift file imports (`import X`, `@testable import X`, `import struct X.Y`).
    static func imports(under folder: String) throws -> [(file: String, module: String)] {
        let root = packageRoot.appendingPathComponent(folder)
        let files = try #require(FileManager.default.enumerator(atPath: root.path), "no \(folder)")
        var found: [(String, String)] = []
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").filter { !$0.hasPrefix("@") }
                guard words.first == "import", let last = words.last else { continue }
                found.append((folder + "/" + file, String(last.split(separator: ".").first ?? last)))
            }
        }
        return found
    }

    /// The checker's modules: the folders of Sources/Checker, and KubewireCLI.
    static func checkerModules() throws -> Set<String> {
        let folders = try FileManager.default.contentsOfDirectory(
            atPath: packageRoot.appendingPathComponent("Sources/Checker").path)
        return Set(folders + ["KubewireCLI"])
    }

    @Test func theBlogNeverImportsTheChecker() throws {
        let checker = try Self.checkerModules()
        #expect(checker.contains("KubeModel") && checker.contains("KubeYAML"), "\(checker.sorted())")
        let crossings = try Self.imports(under: "blog/Sources/Blog").filter { checker.contains($0.module) }
        #expect(crossings.isEmpty, "\(crossings.map { "\($0.file) imports \($0.module)" })")
    }

    /// jemalloc replaces malloc for a whole process: the kubewire executable chooses it, no library
    /// product does it for the program that links the library (the blog's services among them).
    @Test func onlyTheKubewireExecutableImportsJemalloc() throws {
        let importers = try (Self.imports(under: "Sources") + Self.imports(under: "blog/Sources"))
            .filter { $0.module == "CJemalloc" }.map(\.file)
        #expect(!importers.isEmpty)
        #expect(importers.allSatisfy { $0.hasPrefix("Sources/kubewire/") }, "\(importers)")
    }

    @Test func theLocalClusterReadsManifestsThroughTheCheckersModel() throws {
        let modules = Set(try Self.imports(under: "blog/Sources/Cluster/LocalCluster").map(\.module))
        #expect(modules.contains("KubeModel"), "\(modules.sorted())")
    }
}
