/// How the folders of two input files relate: a folder and its subfolders are commonly applied
/// together (`kubectl apply -R`, one kustomization), sibling folders are alternatives (one per
/// environment or example). The path part of `AppliedTogether`'s policy, shared with the schema
/// pass (which CRD of several a custom resource means).
public enum FolderScope {
    /// Whether the folder of `first` is the folder of `second`, an ancestor or a descendant of it.
    public static func related(_ first: String, _ second: String) -> Bool {
        // The contiguous bytes: a did-you-mean asks this of every file defining a candidate (thousands),
        // and generic walks of `utf8` cost several times more per byte.
        var first = first
        var second = second
        return first.withUTF8 { firstBytes in
            second.withUTF8 { secondBytes in
                let (one, other) = (folder(of: firstBytes), folder(of: secondBytes))
                return contains(one, other) || contains(other, one)
            }
        }
    }

    /// Bytes, not Characters: a path is bytes to the file system, and `/` is never part of a
    /// longer character in UTF-8, so cuts at it fall between characters.
    private static func folder(of file: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
        guard let slash = file.lastIndex(of: UInt8(ascii: "/")) else { return file[0..<0] }
        return file[..<slash]
    }

    /// Whether `ancestor` is `folder` or one of its ancestors (`""` and `.` are the current folder).
    private static func contains(
        _ ancestor: Slice<UnsafeBufferPointer<UInt8>>, _ folder: Slice<UnsafeBufferPointer<UInt8>>
    ) -> Bool {
        if ancestor.elementsEqual(folder) { return true }
        if ancestor.isEmpty || ancestor.elementsEqual(CollectionOfOne(UInt8(ascii: "."))) {
            return folder.first != UInt8(ascii: "/")
        }
        guard folder.count > ancestor.count, folder.starts(with: ancestor) else { return false }
        return folder[folder.startIndex + ancestor.count] == UInt8(ascii: "/")
    }
}
