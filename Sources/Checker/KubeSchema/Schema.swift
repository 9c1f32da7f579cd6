import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// What a field holds, as the API server decodes it.
public enum Shape: UInt8, Sendable {
    /// Anything (JSON, preserved unknown fields).
    case any
    /// Any mapping (RawExtension, FieldsV1, an object schema without fields).
    case mapping
    case string, integer, int32, boolean, number, quantity, intOrString
    /// An object with known fields: `index` into `Schema.objects`.
    case object
    /// A list: `index` into `Schema.elements` for the item type.
    case list
    /// A map with open keys: `index` into `Schema.elements` for the value type.
    case map
    /// A scalar with CRD constraints: `index` into `Schema.constraints`.
    case constrained
    /// Unresolved reference to definition `index` (only while decoding).
    case reference
    /// Bytes, written as a base64 string (`format: byte`: Secret `data`, ConfigMap `binaryData`, `caBundle`).
    case bytes
}

public struct TypeRef: Sendable, Equatable {
    public var shape: Shape
    public var index: Int32

    public init(_ shape: Shape, _ index: Int32 = 0) {
        self.shape = shape
        self.index = index
    }
}

public struct Field: Sendable {
    public var name: String
    var hash: UInt64
    public var type: TypeRef
    public var required: Bool
    /// A value rule of the API server's validation (`ValueRules`), 0 for none.
    var check: UInt16
}

/// Plain data only (names are in `Schema.objectNames`): the walk copies these per mapping.
public struct ObjectType: Sendable {
    var fields: Range<Int>
    var requiredCount: Int
    /// Type of keys that are not fields (CRD `additionalProperties` schema); nil: unknown keys are errors.
    var additional: TypeRef?
    /// `x-kubernetes-preserve-unknown-fields: true`: unknown keys are kept, unchecked.
    var preservesUnknown: Bool
    /// Its slots in `Schema.wordSlots` (filled by `Schema.init`): `wordMask + 1` from `firstWordSlot`.
    var firstWordSlot: Int32 = 0
    var wordMask: Int32 = 0
    /// Named `EnvVar` (whose value/valueFrom the walk checks), found once per schema so the walk
    /// reads a flag per mapping, not a name.
    var isEnvVar = false
}

/// CRD scalar constraints (enum, minimum/maximum, pattern) on a base shape.
public struct Constraint: @unchecked Sendable {
    var base: TypeRef
    var allowed: [String]?
    var minimum: Double?
    var maximum: Double?
    var pattern: String?
    /// Compiled once; NSRegularExpression is immutable and thread-safe.
    var regex: NSRegularExpression?
}

/// One release's API: object types, fields and the top-level kinds.
public final class Schema: Sendable {
    public let minor: Int
    let objects: [ObjectType]
    /// Per object: its definition's short name, for messages (`ContainerPort`), or the CRD path.
    let objectNames: [String]
    let fields: [Field]
    let elements: [TypeRef]
    let constraints: [Constraint]
    /// apiVersion → kind → root type.
    let kinds: [String: [String: TypeRef]]
    /// Groups served by this schema ("" is the core group).
    let groups: Set<String>
    /// Per object type, an open-addressing table from the vocabulary id of a field's name
    /// (`YAMLVocabulary.wordID`) to the field: `UInt64(id) << 32 | field index`, 0 for an empty slot
    /// (ids are never 0). A key the load stored as a shared word finds its field with one probe or
    /// two, without hashing or comparing its text.
    let wordSlots: [UInt64]
    /// The vocabulary of `wordSlots`' ids: the one manifests are loaded with.
    let vocabulary: YAMLVocabulary

    init(
        minor: Int, objects: [ObjectType], objectNames: [String], fields: [Field], elements: [TypeRef],
        constraints: [Constraint] = [], kinds: [String: [String: TypeRef]],
        vocabulary: YAMLVocabulary = .kubernetes
    ) {
        self.minor = minor
        var objects = objects
        var wordSlots: [UInt64] = []
        for index in objects.indices {
            objects[index].isEnvVar = objectNames[index] == "EnvVar"
            let range = objects[index].fields
            var capacity = 4
            while capacity < range.count * 2 { capacity <<= 1 }
            let first = wordSlots.count
            wordSlots += repeatElement(0, count: capacity)
            objects[index].firstWordSlot = Int32(first)
            objects[index].wordMask = Int32(capacity - 1)
            for field in range {
                guard let word = vocabulary.wordID(fields[field].name) else { continue }
                var slot = Self.slot(of: word, mask: capacity - 1)
                // A name twice in one type (never in a generated schema): the first wins, as in a scan.
                while wordSlots[first + slot] != 0 && wordSlots[first + slot] >> 32 != UInt64(word) {
                    slot = (slot + 1) & (capacity - 1)
                }
                if wordSlots[first + slot] == 0 { wordSlots[first + slot] = UInt64(word) << 32 | UInt64(field) }
            }
        }
        self.wordSlots = wordSlots
        self.vocabulary = vocabulary
        self.objects = objects
        self.objectNames = objectNames
        self.fields = fields
        self.elements = elements
        self.constraints = constraints
        self.kinds = kinds
        groups = Set(kinds.keys.map(Schema.group(of:)))
    }

    @inline(__always) private static func slot(of word: UInt32, mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(word) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// The index in `fields` of the field of `type` whose name has vocabulary id `word`; -1 when none has.
    @inline(__always) func field(word: UInt32, of type: ObjectType) -> Int {
        let mask = Int(type.wordMask)
        let first = Int(type.firstWordSlot)
        var slot = Self.slot(of: word, mask: mask)
        return wordSlots.withUnsafeBufferPointer { slots in
            for _ in 0...mask {
                let entry = slots[first + slot]
                if entry == 0 { return -1 }
                if entry >> 32 == UInt64(word) { return Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) }
                slot = (slot + 1) & mask
            }
            return -1
        }
    }

    static func group(of apiVersion: String) -> String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    /// The root type of a top-level kind, if this release serves it.
    public func root(apiVersion: String, kind: String) -> TypeRef? { kinds[apiVersion]?[kind] }

    public var apiVersions: [String] { kinds.keys.sorted() }

    public func kindNames(in apiVersion: String) -> [String] { (kinds[apiVersion] ?? [:]).keys.sorted() }

    public func servesGroup(_ group: String) -> Bool { groups.contains(group) }

    public func object(_ ref: TypeRef) -> ObjectType? {
        ref.shape == .object && Int(ref.index) < objects.count ? objects[Int(ref.index)] : nil
    }

    /// The short name of an object type (`ContainerPort`).
    public func name(of ref: TypeRef) -> String? {
        ref.shape == .object && Int(ref.index) < objectNames.count ? objectNames[Int(ref.index)] : nil
    }

    public func fieldNames(of ref: TypeRef) -> [String] {
        guard let object = object(ref) else { return [] }
        return fields[object.fields].map(\.name)
    }

    /// The field named `name` of an object type.
    public func field(_ name: String, of ref: TypeRef) -> Field? {
        guard let object = object(ref) else { return nil }
        let hash = fieldHash(name)
        return fields[object.fields].first { $0.hash == hash && $0.name == name }
    }

    public func element(_ ref: TypeRef) -> TypeRef? {
        (ref.shape == .list || ref.shape == .map) ? elements[Int(ref.index)] : nil
    }
}

/// A field name's key for matching without building a `String` (the loader's hash: `FNV1a`).
@inline(__always)
func fieldHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    FNV1a.hash(bytes)
}

func fieldHash(_ name: String) -> UInt64 {
    FNV1a.hash(name)
}

public struct SchemaFormatError: Error, CustomStringConvertible {
    public var line: Int
    public var problem: String
    public var description: String { "kube API schema, line \(line): \(problem)" }
}

/// Reads kube-schema-gen's compact text for one release (see its header
/// for the format); definitions of other releases are skipped unparsed.
public enum SchemaDecoder {
    public static func releases(in text: UnsafeBufferPointer<UInt8>) throws -> ClosedRange<Int> {
        var lines = LineReader(text)
        guard let header = lines.next(), header.count > 2, header[0] == UInt8(ascii: "R") else {
            throw SchemaFormatError(line: 1, problem: "no `R first last` header")
        }
        let parts = String(decoding: header, as: UTF8.self).split(separator: " ")
        guard parts.count == 3, let first = Int(parts[1]), let last = Int(parts[2]), first <= last else {
            throw SchemaFormatError(line: 1, problem: "bad header")
        }
        return first...last
    }

    public static func decode(_ text: UnsafeBufferPointer<UInt8>, minor: Int) throws -> Schema {
        let range = try releases(in: text)
        guard range.contains(minor) else {
            throw SchemaFormatError(
                line: 1, problem: "release 1.\(minor) is not in 1.\(range.lowerBound)–1.\(range.upperBound)")
        }
        let bit = 1 << (minor - range.lowerBound)
        var lines = LineReader(text)
        _ = lines.next()
        var definitions: [TypeRef?] = []
        var kindOf: [Int: (String, String)] = [:]
        var objects: [ObjectType] = []
        var objectNames: [String] = []
        var fields: [Field] = []
        var elements: [TypeRef] = []
        var currentName = ""
        var inVariant = false
        var lineNumber = 1
        var checks = ValueRules.Lookup()

        func parseType(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) throws -> TypeRef {
            guard let first = bytes.first else { throw SchemaFormatError(line: lineNumber, problem: "empty type") }
            let rest = bytes.dropFirst()
            switch first {
            case UInt8(ascii: "s"): return TypeRef(.string)
            case UInt8(ascii: "B"): return TypeRef(.bytes)
            case UInt8(ascii: "i"): return TypeRef(.integer)
            case UInt8(ascii: "I"): return TypeRef(.int32)
            case UInt8(ascii: "b"): return TypeRef(.boolean)
            case UInt8(ascii: "n"): return TypeRef(.number)
            case UInt8(ascii: "q"): return TypeRef(.quantity)
            case UInt8(ascii: "x"): return TypeRef(.intOrString)
            case UInt8(ascii: "*"): return TypeRef(.any)
            case UInt8(ascii: "O"): return TypeRef(.mapping)
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                let element = try parseType(rest)
                elements.append(element)
                return TypeRef(first == UInt8(ascii: "[") ? .list : .map, Int32(elements.count - 1))
            case UInt8(ascii: "#"):
                guard let number = Int32(String(decoding: rest, as: UTF8.self)) else {
                    throw SchemaFormatError(line: lineNumber, problem: "bad reference")
                }
                return TypeRef(.reference, number)
            default:
                throw SchemaFormatError(line: lineNumber, problem: "unknown type `\(Character(Unicode.Scalar(first)))`")
            }
        }

        var open: (object: Int, start: Int)?
        func closeObject() {
            guard let (object, start) = open else { return }
            objects[object].fields = start..<fields.count
            objects[object].requiredCount = fields[start..<fields.count].reduce(0) { $0 + ($1.required ? 1 : 0) }
            open = nil
        }

        while let line = lines.next() {
            lineNumber += 1
            guard let tag = line.first else { continue }
            switch tag {
            case UInt8(ascii: "D"):
                closeObject()
                inVariant = false
                definitions.append(nil)
                currentName = String(decoding: line.dropFirst(2), as: UTF8.self)
            case UInt8(ascii: "K"):
                let parts = String(decoding: line.dropFirst(2), as: UTF8.self).split(separator: " ")
                guard parts.count == 2 else { throw SchemaFormatError(line: lineNumber, problem: "bad kind") }
                kindOf[definitions.count - 1] = (String(parts[0]), String(parts[1]))
            case UInt8(ascii: "="):
                closeObject()
                guard let space = line.dropFirst(2).firstIndex(of: UInt8(ascii: " ")),
                    let mask = Int(String(decoding: line[(line.startIndex + 2)..<space], as: UTF8.self), radix: 16)
                else { throw SchemaFormatError(line: lineNumber, problem: "bad variant") }
                inVariant = mask & bit != 0
                guard inVariant, !definitions.isEmpty else { continue }
                let body = line[(space + 1)...]
                if body.count == 1 && body.first == UInt8(ascii: "o") {
                    let short = lastDottedComponent(currentName)
                    objects.append(
                        ObjectType(fields: 0..<0, requiredCount: 0, additional: nil, preservesUnknown: false))
                    objectNames.append(short)
                    open = (objects.count - 1, fields.count)
                    checks.enter(definition: currentName)
                    definitions[definitions.count - 1] = TypeRef(.object, Int32(objects.count - 1))
                } else {
                    definitions[definitions.count - 1] = try parseType(body)
                }
            case UInt8(ascii: " "):
                guard inVariant else { continue }
                let body = line.dropFirst()
                guard let space = body.firstIndex(of: UInt8(ascii: " ")) else {
                    throw SchemaFormatError(line: lineNumber, problem: "bad field")
                }
                var nameEnd = space
                let required = line[space - 1] == UInt8(ascii: "!")
                if required { nameEnd -= 1 }
                let name = String(decoding: body[body.startIndex..<nameEnd], as: UTF8.self)
                let type = try parseType(line[(space + 1)...])
                fields.append(
                    Field(
                        name: name, hash: fieldHash(name), type: type, required: required,
                        check: checks.rule(field: name)))
            default:
                throw SchemaFormatError(line: lineNumber, problem: "unknown line")
            }
        }
        closeObject()

        func resolve(_ ref: TypeRef, depth: Int = 0) -> TypeRef {
            guard ref.shape == .reference else { return ref }
            guard depth < 8, Int(ref.index) < definitions.count, let target = definitions[Int(ref.index)] else {
                return TypeRef(.any)  // a reference to a definition missing in this release: accept anything
            }
            return resolve(target, depth: depth + 1)
        }
        for index in fields.indices { fields[index].type = resolve(fields[index].type) }
        for index in elements.indices { elements[index] = resolve(elements[index]) }
        var kinds: [String: [String: TypeRef]] = [:]
        for (definition, (apiVersion, kind)) in kindOf {
            guard let root = definitions[definition] else { continue }
            kinds[apiVersion, default: [:]][kind] = resolve(root)
        }
        return Schema(
            minor: minor, objects: objects, objectNames: objectNames, fields: fields, elements: elements, kinds: kinds)
    }
}

/// `io.k8s.api.core.v1.Container` → `Container`: `split(separator: ".").last`, from the bytes
/// (splitting `Character`s was a tenth of decoding a release).
func lastDottedComponent(_ name: String) -> String {
    guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")), name.utf8.index(after: dot) != name.utf8.endIndex
    else { return name.split(separator: ".").last.map(String.init) ?? name }
    return String(name[name.utf8.index(after: dot)...])
}

/// Lines of a byte buffer, without their `\n`.
struct LineReader {
    let text: UnsafeBufferPointer<UInt8>
    var position = 0

    init(_ text: UnsafeBufferPointer<UInt8>) { self.text = text }

    mutating func next() -> Slice<UnsafeBufferPointer<UInt8>>? {
        guard position < text.count else { return nil }
        let start = position
        while position < text.count && text[position] != UInt8(ascii: "\n") { position += 1 }
        let line = text[start..<position]
        position += 1
        return line
    }
}
