import Foundation

/// Inputs built to exhaust a checker's memory; each must be refused or bounded, never expanded.
struct Hostile {
    var name: String
    var directory: URL

    static func generate(at root: URL) throws -> [Hostile] {
        let manager = FileManager.default
        func write(_ name: String, _ file: String, _ body: (FileHandle) throws -> Void) throws -> Hostile {
            let directory = root.appendingPathComponent(name)
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent(file).path
            _ = manager.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try body(handle)
            return Hostile(name: name, directory: directory)
        }
        let megabyte = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        return [
            try write("40 MB scalar in a ConfigMap", "cm.yaml") { handle in
                handle.write(Data("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: ".utf8))
                for _ in 0..<40 { handle.write(megabyte) }
                handle.write(Data("\n".utf8))
            },
            try write("billion laughs", "laughs.yaml") { handle in
                var text =
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                for level in 1..<10 {
                    text +=
                        "  a\\(level): &a\\(level) ["
                        + Array(repeating: "*a\\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
                }
                handle.write(Data(text.utf8))
            },
            try write("nesting 1,000,000 deep", "deep.yaml") { handle in
                handle.write(Data("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ".utf8))
                handle.write(Data(repeating: UInt8(ascii: "["), count: 1_000_000))
                handle.write(Data(repeating: UInt8(ascii: "]"), count: 1_000_000))
                handle.write(Data("\n".utf8))
            },
            try write("100 MB file (over the input limit)", "huge.yaml") { handle in
                let object = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n"
                let chunk = Data(String(repeating: object, count: (1 << 20) / object.utf8.count).utf8)
                for _ in 0..<100 { handle.write(chunk) }
            },
        ]
    }
}
