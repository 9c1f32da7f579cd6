/// The nodes of one YAML stream, stored flat: 8 bytes a node, children as
/// index lists, scalar text in one byte buffer (or, for the API's vocabulary,
/// in `SharedText`). `YAMLNode` values read from here through an index, so a
/// loaded tree costs a few small allocations per stream instead of one array
/// per collection and one string per scalar. Records, child lists and text
/// share one allocation, made at their final size when the stream is loaded.
///
/// `@unchecked Sendable`: immutable after `init`; the pointers are into `block`, which lives as
/// long as the table.
final class YAMLTable: @unchecked Sendable {
    let records: NodeRecords
    /// Per collection, at its record's `payload`: the number of entries, its
    /// packed end (`NodeRecord.packedEnd`), then the entries: the items of a
    /// sequence; key, value, key, value, … of a mapping, or, when the record
    /// `hasImplicitValues`, its keys and then its last value.
    let children: ChildIndices
    /// Per scalar, at its record's `payload` (without `SharedText.flag`): a
    /// LEB128 length, then UTF-8 bytes.
    let text: UnsafeBufferPointer<UInt8>
    /// Where payloads with `SharedText.flag` point.
    let vocabulary: SharedText
    /// Tags other than the core schema's, by node.
    let otherTags: [Int32: String]
    /// Both marks of the nodes whose start does not fit a record or whose end cannot be derived.
    let wideMarks: WideMarksTable
    /// Every scalar's text is ASCII, so `String` equality is byte equality.
    let asciiOnly: Bool

    /// Records, then child list entries, then text.
    private let block: UnsafeMutableRawPointer

    /// Copies `records`, `children` (two bytes an entry when every entry fits) and `text` into one
    /// allocation of their exact size (the builder keeps its buffers for the next load).
    init(
        records: [NodeRecord], children: [Int32], text: [UInt8], otherTags: [Int32: String],
        wideMarks: WideMarksTable, asciiOnly: Bool, shared: SharedText
    ) {
        // Two loops without a branch per entry: both vectorise.
        var narrow = true
        for entry in children { narrow = narrow && UInt32(bitPattern: entry) <= UInt32(UInt16.max) }
        let entrySize = narrow ? MemoryLayout<UInt16>.stride : MemoryLayout<Int32>.stride
        let recordBytes = records.count * MemoryLayout<NodeRecord>.stride
        // Rounded up so the entries are aligned (records align to 2, wide entries to 4).
        let childrenOffset = (recordBytes + 3) & ~3
        let textOffset = childrenOffset + children.count * entrySize
        let block = UnsafeMutableRawPointer.allocate(
            byteCount: max(textOffset + text.count, 1), alignment: MemoryLayout<Int32>.alignment)
        self.block = block
        let recordStart = block.bindMemory(to: NodeRecord.self, capacity: records.count)
        _ = UnsafeMutableBufferPointer(start: recordStart, count: records.count).initialize(from: records)
        self.records = NodeRecords(UnsafeBufferPointer(start: recordStart, count: records.count))
        let entries = block + childrenOffset
        if narrow {
            let start = entries.bindMemory(to: UInt16.self, capacity: children.count)
            for (position, entry) in children.enumerated() {
                (start + position).initialize(to: UInt16(truncatingIfNeeded: entry))
            }
            self.children = ChildIndices(narrow: UnsafeBufferPointer(start: start, count: children.count))
        } else {
            let start = entries.bindMemory(to: Int32.self, capacity: children.count)
            _ = UnsafeMutableBufferPointer(start: start, count: children.count).initialize(from: children)
            self.children = ChildIndices(wide: UnsafeBufferPointer(start: start, count: children.count))
        }
        let textStart = (block + textOffset).bindMemory(to: UInt8.self, capacity: text.count)
        _ = UnsafeMutableBufferPointer(start: textStart, count: text.count).initialize(from: text)
        self.text = UnsafeBufferPointer(start: textStart, count: text.count)
        self.asciiOnly = asciiOnly
        self.vocabulary = shared
        self.otherTags = otherTags
        self.wideMarks = wideMarks
    }

    deinit { block.deallocate() }

    // MARK: records

    @inline(__always) func kind(_ index: Int32) -> NodeKind { records[Int(index)].kind }

    func start(_ index: Int32) -> Mark { NodeRecord.start(of: index, records, wideMarks) }

    func end(_ index: Int32) -> Mark {
        NodeRecord.end(of: index, records, wideMarks, entry: { children[$0] }, text: { withText(index, $0) })
    }

    func tag(_ index: Int32) -> String? {
        let code = records[Int(index)].tag
        if code == .other { return otherTags[index] }
        return code.name
    }

    // MARK: scalars

    /// Calls `body` with the UTF-8 bytes of scalar `index`.
    @inline(__always) func withText<R>(_ index: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let payload = records[Int(index)].payload
        let store = payload & SharedText.flag == 0 ? text : vocabulary.text.bytes
        return withExtendedLifetime(self) { body(ScalarText.bytes(at: Int(payload & ~SharedText.flag), in: store)) }
    }

    /// The first byte of a scalar; nil when it is empty.
    @inline(__always) func firstByte(_ index: Int32) -> UInt8? {
        withText(index) { $0.first }
    }

    func string(_ index: Int32) -> String {
        withText(index) { ScalarText.string($0) }
    }

    /// Whether scalar `index` is `key`, byte for byte (as Kubernetes compares keys).
    func scalar(_ index: Int32, equals key: String) -> Bool {
        var key = key
        return key.withUTF8 { keyBytes in withText(index) { ScalarText.equal($0, keyBytes) } }
    }

    /// Whether two scalars of this table have the same bytes.
    func scalar(_ a: Int32, equals b: Int32) -> Bool {
        if records[Int(a)].payload == records[Int(b)].payload { return true }
        return withText(a) { x in withText(b) { y in ScalarText.equal(x, y) } }
    }

    // MARK: collections

    /// Items of a sequence, pairs of a mapping.
    @inline(__always) func count(_ index: Int32) -> Int {
        let record = records[Int(index)]
        if record.kind == .sequence { return Int(children[Int(record.payload)]) }
        return pairList(index).count
    }

    /// Position in `children` of the first child of collection `index` (after its count and end).
    @inline(__always) func firstChild(_ index: Int32) -> Int {
        Int(records[Int(index)].payload) + 2
    }

    @inline(__always) func pairList(_ index: Int32) -> PairList {
        let record = records[Int(index)]
        let header = Int(record.payload)
        return PairList(header: header, entries: Int(children[header]), implicit: record.hasImplicitValues)
    }

    /// Calls `body` with the key and value of each pair of mapping `index`, in order, until it
    /// returns false.
    @inline(__always) func forEachPair(_ index: Int32, _ body: (_ key: Int32, _ value: Int32) -> Bool) {
        let list = pairList(index)
        for pair in 0..<list.count {
            if !body(children[list.keyPosition(pair)], list.value(pair) { children[$0] }) { return }
        }
    }

    /// The value of the first pair whose scalar key equals `key`, as a key/value index pair.
    func lookup(_ index: Int32, _ key: String) -> (key: Int32, value: Int32)? {
        let list = pairList(index)
        // Most keys asked for are API words in small strings: found by the string's bits alone.
        if asciiOnly, let word = vocabulary.payload(ofSmall: key) {
            guard let pair = firstPair(in: list, withWord: word) else { return nil }
            return (children[list.keyPosition(pair)], list.value(pair) { children[$0] })
        }
        // In place (no copy of the string) whenever it is contiguous, as literals and most keys are.
        let found =
            key.utf8.withContiguousStorageIfAvailable { firstPair(in: list, withKey: $0) }
            ?? {
                var key = key
                return key.withUTF8 { firstPair(in: list, withKey: $0) }
            }()
        guard let pair = found else { return nil }
        return (children[list.keyPosition(pair)], list.value(pair) { children[$0] })
    }

    @inline(__always) private func firstPair(in list: PairList, withKey keyBytes: UnsafeBufferPointer<UInt8>) -> Int? {
        // Nearly every key asked for is an API word, stored once for the run: then a key node is
        // that key exactly when it has the word's payload (an ASCII stream's own text never
        // equals a word, or it would have been shared).
        if asciiOnly, let word = vocabulary.payload(of: keyBytes, hash: TreeBuilder.hash(keyBytes)) {
            return firstPair(in: list, withWord: word)
        }
        return children.firstPosition(from: list.first, step: list.keyStep, count: list.count) { node in
            guard records[Int(node)].kind == .scalar else { return false }
            // Bytes only (lengths first, in `sameBytes`): Kubernetes compares keys by bytes.
            return withText(node) { ScalarText.sameBytes($0, keyBytes) }
        }
    }

    /// The first pair whose key is a scalar with the shared word's payload `word`.
    @inline(__always) private func firstPair(in list: PairList, withWord word: UInt32) -> Int? {
        children.firstPosition(from: list.first, step: list.keyStep, count: list.count) { node in
            let record = records[Int(node)]
            return record.payload == word && record.kind == .scalar
        }
    }

    /// `ScalarResolver.resolve` of a scalar's text, from its bytes.
    func resolve(_ index: Int32) -> ScalarResolver.Resolution {
        withText(index) { bytes in ScalarResolver.resolve(bytes: bytes) }
    }

    func content(_ index: Int32) -> YAMLNode.Content {
        let record = records[Int(index)]
        switch record.kind {
        case .scalar:
            return .scalar(string(index), record.style)
        case .sequence:
            return .sequence(items(index))
        case .mapping:
            return .mapping(pairs(index))
        }
    }

    func pairs(_ index: Int32) -> [YAMLPair] {
        var pairs: [YAMLPair] = []
        pairs.reserveCapacity(count(index))
        forEachPair(index) { key, value in
            pairs.append(YAMLPair(key: YAMLNode(table: self, index: key), value: YAMLNode(table: self, index: value)))
            return true
        }
        return pairs
    }

    func items(_ index: Int32) -> [YAMLNode] {
        let first = firstChild(index)
        let count = count(index)
        var items: [YAMLNode] = []
        items.reserveCapacity(count)
        for position in first..<first + count { items.append(YAMLNode(table: self, index: children[position])) }
        return items
    }
}

enum NodeKind: UInt8 {
    case scalar = 0
    case sequence = 1
    case mapping = 2
}

/// Explicit tags, coded; `other` is looked up in `YAMLTable.otherTags`.
enum TagCode: UInt8 {
    case none = 0
    case str, int, float, bool, null, merge, other

    init(_ tag: String?) {
        switch tag {
        case nil: self = .none
        case "tag:yaml.org,2002:str": self = .str
        case "tag:yaml.org,2002:int": self = .int
        case "tag:yaml.org,2002:float": self = .float
        case "tag:yaml.org,2002:bool": self = .bool
        case "tag:yaml.org,2002:null": self = .null
        case "tag:yaml.org,2002:merge": self = .merge
        default: self = .other
        }
    }

    var name: String? {
        switch self {
        case .none, .other: nil
        case .str: "tag:yaml.org,2002:str"
        case .int: "tag:yaml.org,2002:int"
        case .float: "tag:yaml.org,2002:float"
        case .bool: "tag:yaml.org,2002:bool"
        case .null: "tag:yaml.org,2002:null"
        case .merge: "tag:yaml.org,2002:merge"
        }
    }

    var scalarType: ScalarType? {
        switch self {
        case .str: .string
        case .int: .int
        case .float: .float
        case .bool: .bool
        case .null: .null
        case .none, .merge, .other: nil
        }
    }
}

/// `YAMLTable.records`: the records in the table's block, read with checked indices (as an
/// array's).
struct NodeRecords: RandomAccessCollection {
    private let base: UnsafeBufferPointer<NodeRecord>

    init(_ base: UnsafeBufferPointer<NodeRecord>) { self.base = base }

    var startIndex: Int { 0 }
    var endIndex: Int { base.count }

    @inline(__always) subscript(index: Int) -> NodeRecord {
        precondition(index >= 0 && index < base.count, "node index out of range")
        return base[index]
    }
}

/// `YAMLTable.children`, in the table's block: two bytes an entry when every count, packed end
/// and node index of the stream fits (streams under 65,536 nodes, nearly all manifests), four
/// bytes otherwise. Read with checked positions (as an array's).
struct ChildIndices {
    private let narrow: UnsafeBufferPointer<UInt16>
    private let wide: UnsafeBufferPointer<Int32>
    let isNarrow: Bool

    init(narrow: UnsafeBufferPointer<UInt16>) {
        self.narrow = narrow
        wide = UnsafeBufferPointer(start: nil, count: 0)
        isNarrow = true
    }

    init(wide: UnsafeBufferPointer<Int32>) {
        narrow = UnsafeBufferPointer(start: nil, count: 0)
        self.wide = wide
        isNarrow = false
    }

    var count: Int { isNarrow ? narrow.count : wide.count }

    @inline(__always) subscript(position: Int) -> Int32 {
        precondition(position >= 0 && position < count, "child position out of range")
        return isNarrow ? Int32(narrow[position]) : wide[position]
    }

    /// Which of the `count` entries at `start`, `start + step`, … is the first that `matches`
    /// (0-based); nil when none. One loop per layout, without choosing the layout per entry
    /// (key lookups run this about a million times in a large check).
    @inline(__always)
    func firstPosition(from start: Int, step: Int, count: Int, where matches: (Int32) -> Bool) -> Int? {
        // Every position read is checked at once: the loops then read without a check each.
        guard count > 0 else { return nil }
        precondition(
            start >= 0 && step >= 0 && start + (count - 1) * step < self.count, "child position out of range")
        var position = start
        if isNarrow {
            for entry in 0..<count {
                if matches(Int32(narrow[position])) { return entry }
                position += step
            }
        } else {
            for entry in 0..<count {
                if matches(wide[position]) { return entry }
                position += step
            }
        }
        return nil
    }
}

/// Where a mapping's keys and values sit in a child list, in either layout: key, value, key,
/// value, …; or (`implicit`) the keys, then the last value, every other value being the node just
/// before the next key. The one decoder of that layout, for the table and the loader's merges.
struct PairList {
    /// Position of the first entry (after the entry count and the packed end).
    let first: Int
    /// Pairs.
    let count: Int
    let implicit: Bool
    /// Entries from one key to the next.
    let keyStep: Int

    /// `header`: the collection's payload, where its entry count (`entries`) sits.
    @inline(__always) init(header: Int, entries: Int, implicit: Bool) {
        first = header + 2
        count = implicit ? entries - 1 : entries / 2
        self.implicit = implicit
        keyStep = implicit ? 1 : 2
    }

    @inline(__always) func keyPosition(_ pair: Int) -> Int { first + pair * keyStep }

    /// The value node of `pair`; `entry` reads the child list at a position.
    @inline(__always) func value(_ pair: Int, entry: (Int) -> Int32) -> Int32 {
        guard implicit else { return entry(first + 2 * pair + 1) }
        return pair + 1 < count ? entry(first + pair + 1) &- 1 : entry(first + count)
    }
}

struct WideMarks: Sendable {
    var start: Mark
    var end: Mark
}

/// `WideMarks` by node, in two arrays sorted by node: the loader makes nodes in ascending order, so
/// an entry is an append, and a lookup a binary search. (A dictionary here grew with the lines past
/// 65,535 of a long file, one hashed entry and its rehashes each: the cost per node grew with the
/// file.)
struct WideMarksTable: Sendable {
    private var nodes: [Int32] = []
    private var marks: [WideMarks] = []

    var count: Int { nodes.count }
    var isEmpty: Bool { nodes.isEmpty }

    /// The first position whose node is not below `node`.
    private func position(of node: Int32) -> Int {
        var low = 0
        var high = nodes.count
        while low < high {
            let middle = (low + high) / 2
            if nodes[middle] < node { low = middle + 1 } else { high = middle }
        }
        return low
    }

    subscript(node: Int32) -> WideMarks? {
        get {
            let position = position(of: node)
            return position < nodes.count && nodes[position] == node ? marks[position] : nil
        }
        set {
            // The usual case: a node newer than every other.
            if let newValue, nodes.last.map({ $0 < node }) ?? true {
                nodes.append(node)
                marks.append(newValue)
                return
            }
            let position = position(of: node)
            let present = position < nodes.count && nodes[position] == node
            switch (newValue, present) {
            case (let newValue?, true): marks[position] = newValue
            case (let newValue?, false):
                nodes.insert(node, at: position)
                marks.insert(newValue, at: position)
            case (nil, true):
                nodes.remove(at: position)
                marks.remove(at: position)
            case (nil, false): break
            }
        }
    }
}

/// One node in 8 bytes: its payload, start, kind, style and tag. The end is
/// not stored: a one-line scalar ends where its text does, a collection keeps
/// its end in its `children` entry, and every other node (a block or
/// multi-line scalar, an escape, an alias use, a line over 65,535, a column
/// over 255) has both marks in `wideMarks`.
struct NodeRecord: Sendable {
    /// Offset in `text` (scalars) or `children` (collections), in two halves.
    private var payloadLow: UInt16
    private var payloadHigh: UInt16
    private var startLine: UInt16
    /// 1-based; 0: the marks are in `wideMarks`.
    private(set) var startColumn: UInt8
    /// kind (2 bits) | style (3 bits) << 2 | tag (3 bits) << 5
    private var bits: UInt8

    /// A record with its start inline (`wide`: false, and the start must fit) or in `wideMarks`.
    /// `implicitValues`: a mapping whose child list holds only its keys and its last value.
    init(
        kind: NodeKind, style: ScalarStyle, tag: TagCode, payload: UInt32, start: Mark, wide: Bool,
        implicitValues: Bool = false
    ) {
        payloadLow = UInt16(truncatingIfNeeded: payload)
        payloadHigh = UInt16(truncatingIfNeeded: payload >> 16)
        // A collection has no style: its style bits hold the layout of its child list.
        let styleBits = kind == .scalar ? style.rawValue : (implicitValues ? 1 : 0)
        bits = kind.rawValue | (styleBits << 2) | (tag.rawValue << 5)
        if !wide && Self.fits(start) {
            startLine = UInt16(start.line)
            startColumn = UInt8(start.column)
        } else {
            startLine = 0
            startColumn = 0
        }
    }

    static func fits(_ start: Mark) -> Bool {
        start.line >= 0 && start.line <= 0xFFFF && start.column >= 1 && start.column <= 0xFF
    }

    @inline(__always) var payload: UInt32 { UInt32(payloadLow) | UInt32(payloadHigh) << 16 }

    /// Valid when not `isWide`.
    var start: Mark { Mark(line: Int32(startLine), column: Int32(startColumn)) }

    var isWide: Bool { startColumn == 0 }
    var kind: NodeKind { NodeKind(rawValue: bits & 0x3) ?? .scalar }
    /// A scalar's style (a collection's style bits hold its child-list layout instead).
    var style: ScalarStyle { ScalarStyle(rawValue: (bits >> 2) & 0x7) ?? .plain }
    /// A mapping whose child list is its keys, then its last value (`TreeBuilder.finishMapping`).
    var hasImplicitValues: Bool { kind == .mapping && (bits >> 2) & 0x7 == 1 }
    var tag: TagCode { TagCode(rawValue: bits >> 5) ?? .none }

    /// Node `index`'s start, from its record or, for a wide one, from `wideMarks`.
    static func start<Records: RandomAccessCollection<NodeRecord>>(
        of index: Int32, _ records: Records, _ wideMarks: WideMarksTable
    ) -> Mark where Records.Index == Int {
        let record = records[Int(index)]
        if record.isWide, let wide = wideMarks[index] { return wide.start }
        return record.start
    }

    /// Node `index`'s end, from `wideMarks`, a collection's `children` entry (`entry`) or a
    /// scalar's text (`text` calls its argument with it): one rule for the loader, over its arrays
    /// under construction, and for the finished table.
    @inline(__always)
    static func end<Records: RandomAccessCollection<NodeRecord>>(
        of index: Int32, _ records: Records, _ wideMarks: WideMarksTable, entry: (Int) -> Int32,
        text: ((UnsafeBufferPointer<UInt8>) -> Mark?) -> Mark?
    ) -> Mark where Records.Index == Int {
        let record = records[Int(index)]
        if record.isWide, let wide = wideMarks[index] { return wide.end }
        if record.kind != .scalar { return unpackEnd(entry(Int(record.payload) + 1), start: record.start) }
        return text { scalarEnd(start: record.start, style: record.style, bytes: $0) } ?? record.start
    }

    /// Where a one-line plain or quoted scalar starting at `start` with text `bytes` ends (columns
    /// count Unicode scalars, as libyaml's do); nil for block scalars, which always keep their marks.
    static func scalarEnd(start: Mark, style: ScalarStyle, bytes: UnsafeBufferPointer<UInt8>) -> Mark? {
        let quotes: Int32
        switch style {
        case .plain: quotes = 0
        case .singleQuoted, .doubleQuoted: quotes = 2
        case .literal, .folded: return nil
        }
        var characters: Int32 = 0
        for byte in bytes where byte & 0xC0 != 0x80 { characters &+= 1 }
        return Mark(line: start.line, column: start.column &+ characters &+ quotes)
    }

    /// A collection's end as its `children` entry holds it (line offset and column, a byte each);
    /// nil when either does not fit, and the marks go to `wideMarks`.
    static func packedEnd(start: Mark, end: Mark) -> Int32? {
        let lines = Int64(end.line) - Int64(start.line)
        guard lines >= 0, lines <= 0xFF, end.column >= 0, end.column <= 0xFF else { return nil }
        return Int32(lines) << 8 | end.column
    }

    static func unpackEnd(_ packed: Int32, start: Mark) -> Mark {
        Mark(line: start.line &+ (packed >> 8), column: packed & 0xFF)
    }
}
