import Foundation
import LocalCluster
import Testing

@Suite struct ExecutableLookupTests {
    @Test func findsAProgramOnPathAndNothingForAMissingOne() {
        let shell = ExecutableLookup.find("sh")
        #expect(shell.map { FileManager.default.isExecutableFile(atPath: $0) } == true)
        #expect(shell?.hasSuffix("/sh") == true)
        #expect(ExecutableLookup.find("kubewire-no-such-program-\(UUID().uuidString)") == nil)
    }

    @Test func looksInTheExtraFoldersAfterPathAndSkipsFilesThatAreNotExecutable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lookup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = "kubewire-lookup-\(UUID().uuidString)"
        let program = folder.appendingPathComponent(name).path
        #expect(FileManager.default.createFile(atPath: program, contents: Data("#!/bin/sh\n".utf8)))
        #expect(ExecutableLookup.find(name, alsoIn: [folder.path]) == nil)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program)
        #expect(ExecutableLookup.find(name, alsoIn: [folder.path]) == program)
    }
}
