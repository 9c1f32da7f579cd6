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

    private static func folder(of file: String) -> Substring {
        guard let slash = file.lastIndex(of: "/") else { return "" }
        return file[..<slash]
    }

    /// Whether `ancestor` is `folder` or one of its ancestors (`""` and `.` are the current folder).
    private static func contains(_ ancestor: Substring, _ folder: Substring) -> Bool {
        if ancestor == folder { return true }
        if ancestor.isEmpty || ancestor == "." { return !folder.hasPrefix("/") }
        return folder.hasPrefix(ancestor) && folder.dropFirst(ancestor.count).first == "/"
    }
}
