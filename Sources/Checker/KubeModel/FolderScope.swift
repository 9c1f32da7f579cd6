/// How the folders of two input files relate: a folder and its subfolders are commonly applied
/// together (`kubectl apply -R`, one kustomization), sibling folders are alternatives (one per
/// environment or example). The path part of `AppliedTogether`'s policy, shared with the schema
/// pass (which CRD of several a custom resource means).
public enum FolderScope {
    /// Whether the folder of `first` is the folder of `second`, an ancestor or a descendant of it.
    public static func related(_ first: String, _ second: String) -> Bool {
        let (one, other) = (folder(of: first), folder(of: second))
        return contains(one, other) || contains(other, one)
    }

    /// Bytes, not Characters: a path is bytes to the file system, and `/` is never part of a
    /// longer character in UTF-8, so cuts at it fall between characters.
    private static func folder(of file: String) -> Substring.UTF8View {
        guard let slash = file.utf8.lastIndex(of: UInt8(ascii: "/")) else { return Substring().utf8 }
        return file[..<slash].utf8
    }

    /// Whether `ancestor` is `folder` or one of its ancestors (`""` and `.` are the current folder).
    private static func contains(_ ancestor: Substring.UTF8View, _ folder: Substring.UTF8View) -> Bool {
        if ancestor.elementsEqual(folder) { return true }
        if ancestor.isEmpty || ancestor.elementsEqual(CollectionOfOne(UInt8(ascii: "."))) {
            return folder.first != UInt8(ascii: "/")
        }
        guard folder.count > ancestor.count, folder.starts(with: ancestor) else { return false }
        return folder[folder.index(folder.startIndex, offsetBy: ancestor.count)] == UInt8(ascii: "/")
    }
}
