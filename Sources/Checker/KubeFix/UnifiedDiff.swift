/// A unified diff (`---`/`+++` headers, `@@ -l,s +l,s @@` hunks, GNU diff's form) of the edits
/// `FixPlanner` applied to one file. The hunks come from the edits themselves, not from comparing
/// the two texts, so a large file costs what its changed lines cost.
public enum UnifiedDiff {
    /// The diff of `file`, labelled `path` on both header lines (`patch -p0` and `git apply -p0`
    /// read it), with `context` unchanged lines around each change. Empty when nothing changed.
    public static func render(_ file: FixedFile, context: Int = 3) -> String {
        guard file.original != file.fixed else { return "" }
        let old = Lines(file.original)
        let new = Lines(file.fixed)
        let blocks = changedBlocks(old, new)
        guard !blocks.isEmpty else { return "" }
        var output = "--- \(file.path)\n+++ \(file.path)\n"
        var index = 0
        while index < blocks.count {
            // One hunk: blocks whose context would touch.
            var last = index
            while last + 1 < blocks.count, blocks[last + 1].oldStart - blocks[last].oldEnd <= 2 * context {
                last += 1
            }
            let first = blocks[index]
            let final = blocks[last]
            let oldStart = max(0, first.oldStart - context)
            let oldEnd = min(old.count, final.oldEnd + context)
            let newStart = first.newStart - (first.oldStart - oldStart)
            let newEnd = final.newEnd + (oldEnd - final.oldEnd)
            output += "@@ -\(range(oldStart, oldEnd - oldStart)) +\(range(newStart, newEnd - newStart)) @@\n"
            var oldLine = oldStart
            for block in blocks[index...last] {
                while oldLine < block.oldStart {
                    output += line(" ", old, oldLine)
                    oldLine += 1
                }
                for removed in block.oldStart..<block.oldEnd { output += line("-", old, removed) }
                for added in block.newStart..<block.newEnd { output += line("+", new, added) }
                oldLine = block.oldEnd
            }
            while oldLine < oldEnd {
                output += line(" ", old, oldLine)
                oldLine += 1
            }
            index = last + 1
        }
        return output
    }

    /// `l,s` as GNU diff writes it: `l` alone for one line; the line before for none.
    private static func range(_ start: Int, _ count: Int) -> String {
        if count == 1 { return "\(start + 1)" }
        return count == 0 ? "\(start),0" : "\(start + 1),\(count)"
    }

    private static func line(_ marker: String, _ lines: Lines, _ number: Int) -> String {
        let bytes = lines.line(number)
        if bytes.last == UInt8(ascii: "\n") { return marker + String(decoding: bytes, as: UTF8.self) }
        return marker + String(decoding: bytes, as: UTF8.self) + "\n\\ No newline at end of file\n"
    }

    struct Block {
        var oldStart: Int
        var oldEnd: Int
        var newStart: Int
        var newEnd: Int
    }

    /// Runs of differing lines: equal lines are matched from both ends, and the middle by Myers'
    /// diff (a few edits: a few differences, so it is quick).
    static func changedBlocks(_ old: Lines, _ new: Lines) -> [Block] {
        var head = 0
        while head < old.count, head < new.count, old.line(head) == new.line(head) { head += 1 }
        var tail = 0
        while tail < old.count - head, tail < new.count - head,
            old.line(old.count - 1 - tail) == new.line(new.count - 1 - tail)
        {
            tail += 1
        }
        let oldEnd = old.count - tail
        let newEnd = new.count - tail
        guard head < oldEnd || head < newEnd else { return [] }
        return myers(old, new, oldRange: head..<oldEnd, newRange: head..<newEnd)
            ?? [Block(oldStart: head, oldEnd: oldEnd, newStart: head, newEnd: newEnd)]
    }

    /// The shortest edit script (Myers' O((N+M)D) algorithm) between the two ranges, as blocks of
    /// removed and added lines; nil past `limit` differences (then one block says it all).
    static func myers(_ old: Lines, _ new: Lines, oldRange: Range<Int>, newRange: Range<Int>, limit: Int = 2000)
        -> [Block]?
    {
        let n = oldRange.count
        let m = newRange.count
        let maximum = min(n + m, limit)
        let offset = maximum + 1
        var v = [Int](repeating: 0, count: 2 * maximum + 3)
        var trace: [[Int]] = []
        var found = false
        outer: for d in 0...maximum {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, old.line(oldRange.lowerBound + x) == new.line(newRange.lowerBound + y) {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n && y >= m {
                    found = true
                    break outer
                }
            }
        }
        guard found else { return nil }
        // Walk back: each step is a removed line, an added line, or a run of equal lines.
        var removed = [Bool](repeating: false, count: n)
        var added = [Bool](repeating: false, count: m)
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, to: 0, by: -1) {
            let previous = trace[d]
            let k = x - y
            let previousK =
                (k == -d || (k != d && previous[offset + k - 1] < previous[offset + k + 1])) ? k + 1 : k - 1
            let previousX = previous[offset + previousK]
            let previousY = previousX - previousK
            while x > previousX && y > previousY {
                x -= 1
                y -= 1
            }
            if x == previousX {
                y -= 1
                added[y] = true
            } else {
                x -= 1
                removed[x] = true
            }
        }
        // Group into blocks: a block runs while lines are removed or added.
        var blocks: [Block] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n, j < m, !removed[i], !added[j] {
                i += 1
                j += 1
                continue
            }
            let start = (i, j)
            while i < n, removed[i] { i += 1 }
            while j < m, added[j] { j += 1 }
            if (i, j) == start { break }  // a script that is not one: never loop
            blocks.append(
                Block(
                    oldStart: oldRange.lowerBound + start.0, oldEnd: oldRange.lowerBound + i,
                    newStart: newRange.lowerBound + start.1, newEnd: newRange.lowerBound + j))
        }
        return blocks
    }

    /// A text's lines, each with its line ending.
    struct Lines {
        let bytes: [UInt8]
        let starts: [Int]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var starts: [Int] = []
            var start = 0
            for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
                starts.append(start)
                start = index + 1
            }
            if start < bytes.count { starts.append(start) }
            self.starts = starts
        }

        var count: Int { starts.count }

        func line(_ number: Int) -> ArraySlice<UInt8> {
            let end = number + 1 < starts.count ? starts[number + 1] : bytes.count
            return bytes[starts[number]..<end]
        }
    }
}
