import CRawParse
import Foundation

/// The floor: libyaml's event loop over every file in C (`bench/CRawParse`), one thread, no tree and
/// no Swift value per event. Returns the number of events (so the work is not elided).
enum RawParse {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(files: [String]) throws -> Int {
        var pointers = files.map { strdup($0).map { UnsafePointer($0) } }
        defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
        var failed = 0
        let events = pointers.withUnsafeMutableBufferPointer { buffer in
            kubewire_raw_parse(buffer.baseAddress, buffer.count, &failed)
        }
        guard events >= 0 else { throw Failure(description: "libyaml could not read or parse \(files[failed])") }
        return events
    }
}
