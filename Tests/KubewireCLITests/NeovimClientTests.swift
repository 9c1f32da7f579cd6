import Foundation
import Testing

/// `kubewire lsp` under a real editor: Neovim's built-in LSP client, headless (Debian's neovim,
/// `make deps-editor`). The config starts the server for the opened YAML file, waits for its
/// diagnostics (vim.diagnostic.get), asks for the quick fixes at the finding and for fix-all, and
/// writes them to a file.
@Suite struct NeovimClientTests {
    static let config = """
        -- Neovim's built-in LSP client, headless: start `kubewire lsp` for a YAML file, wait for its
        -- diagnostics, ask for the quick fixes, write both to a file, quit. Works with Neovim 0.7+
        -- (vim.lsp.start_client; vim.lsp.start came in 0.8).
        local bin = os.getenv("KUBEWIRE_LSP_BIN")
        local root = os.getenv("KUBEWIRE_LSP_ROOT")
        local file = os.getenv("KUBEWIRE_LSP_FILE")
        local out = os.getenv("KUBEWIRE_LSP_OUT")
        local lines = {}

        vim.cmd("edit " .. vim.fn.fnameescape(file))
        local buf = vim.api.nvim_get_current_buf()
        local client = vim.lsp.start_client({
          name = "kubewire",
          cmd = { bin, "lsp" },
          root_dir = root,
          workspace_folders = { { uri = vim.uri_from_fname(root), name = "workspace" } },
        })
        vim.lsp.buf_attach_client(buf, client)

        if not vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50) then
          table.insert(lines, "timeout: no diagnostics")
        end
        for _, d in ipairs(vim.diagnostic.get(buf)) do
          local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ""
          local message = d.message:gsub("\\n", " | ")
          table.insert(lines, string.format("diagnostic %d:%d-%d:%d %s %s %s %s",
            d.lnum, d.col, d.end_lnum, d.end_col, d.severity, d.source or "", code, message))
        end

        -- The quick fixes where the first finding is, as `:lua vim.lsp.buf.code_action()` asks for them.
        local first = vim.diagnostic.get(buf)[1]
        if first then vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col }) end
        local function code_actions(only)
          local params = vim.lsp.util.make_range_params()
          params.context = { diagnostics = {}, only = only }
          local results = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 10000) or {}
          for _, result in pairs(results) do
            for _, action in ipairs(result.result or {}) do
              for uri, edits in pairs((action.edit or {}).changes or {}) do
                for _, edit in ipairs(edits) do
                  table.insert(lines, string.format("action %s %s %d:%d %s", action.kind, vim.fn.fnamemodify(vim.uri_to_fname(uri), ":t"),
                    edit.range.start.line, edit.range.start.character, edit.newText))
                end
              end
            end
          end
        end
        code_actions(nil)
        -- Fix all, as a fix-on-save hook asks for it: the machine-applicable fixes, not the guess.
        code_actions({ "source.fixAll" })

        vim.fn.writefile(lines, out)
        vim.lsp.stop_client(client)
        vim.wait(5000, function() return vim.lsp.client_is_stopped(client) end, 50)
        vim.cmd("qall!")
        """

    @Test func neovimShowsTheCrossFileErrorAndOffersTheFix() throws {
        let nvim = try #require(
            executableInPath("nvim"),
            "nvim is not installed: `make deps-editor` installs Debian's neovim, which this test drives")
        #expect(FileManager.default.isExecutableFile(atPath: kubewireBinary.path), "build kubewire first")
        let workspace = try Scratch()
        try workspace.write("deploy.yaml", lspDeployment)
        // A quoted numeric targetPort too: a certain fix, for fix-all.
        let service = try workspace.write(
            "service.yaml", lspService.replacingOccurrences(of: "targetPort: 8080", with: "targetPort: \"8080\""))
        let configFile = try workspace.write("kubewire-client.lua", Self.config)
        let home = workspace.url.appendingPathComponent(".nvim-home").path
        let out = workspace.path("diagnostics.txt")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: nvim)
        process.arguments = ["--headless", "-n", "-i", "NONE", "-u", configFile]
        process.currentDirectoryURL = workspace.url
        var environment = ProcessInfo.processInfo.environment
        environment["KUBEWIRE_LSP_BIN"] = kubewireBinary.path
        environment["KUBEWIRE_LSP_ROOT"] = workspace.url.path
        environment["KUBEWIRE_LSP_FILE"] = service
        environment["KUBEWIRE_LSP_OUT"] = out
        // Neovim's state, data and log files stay in the scratch folder.
        for name in ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"] {
            environment[name] = home
        }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + 120) == .timedOut {
            process.terminate()
            Issue.record("nvim did not finish within 120 s")
            return
        }
        #expect(process.terminationStatus == 0)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        // 0-based line 6, characters 9..<14: `ports` in `app: ports`; severity 1 is an error.
        #expect(
            lines.contains {
                $0.hasPrefix("diagnostic 6:9-6:14 1 kubewire service-selector Service posts selects app=ports")
            },
            "\(lines)")
        #expect(lines.contains("action quickfix service.yaml 6:9 posts"), "\(lines)")
        #expect(lines.contains("action source.fixAll.kubewire service.yaml 9:18 8080"), "\(lines)")
        #expect(!lines.contains("action source.fixAll.kubewire service.yaml 6:9 posts"), "\(lines)")
    }
}

/// The first executable `name` on PATH.
func executableInPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}
