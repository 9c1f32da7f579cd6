import CYAML
import Foundation

/// The floor: libyaml's event parser over every file, single-threaded, with
/// no tree built. Returns the number of events (so the work is not elided).
enum RawParse {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(files: [String]) throws -> Int {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var events = 0
        for path in files {
            let count = try read(path, into: &buffer)
            events += try parse(buffer, count: count, path: path)
        }
        return events
    }

    /// Reads a whole file into `buffer` (grown as needed); returns its size.
    private static func read(_ path: String, into buffer: inout [UInt8]) throws -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path)") }
        defer { close(fd) }
        var total = 0
        while true {
            if total == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let got = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return Foundation.read(fd, base + total, raw.count - total)
            }
            guard got >= 0 else { throw Failure(description: "cannot read \(path)") }
            if got == 0 { return total }
            total += got
        }
    }

    private static func parse(_ buffer: [UInt8], count: Int, path: String) throws -> Int {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else { throw Failure(description: "libyaml: out of memory") }
        defer { yaml_parser_delete(&parser) }
        return try buffer.withUnsafeBufferPointer { bytes -> Int in
            guard let base = bytes.baseAddress else { return 0 }
            yaml_parser_set_input_string(&parser, base, count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            var events = 0
            while true {
                guard yaml_parser_parse(&parser, &event) != 0 else {
                    throw Failure(description: "libyaml could not parse \(path)")
                }
                let done = event.type == YAML_STREAM_END_EVENT
                yaml_event_delete(&event)
                events += 1
                if done { return events }
            }
        }
    }
}
