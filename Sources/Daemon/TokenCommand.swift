import Foundation
import Configuration
import Web

/// `courtwatch token add`: makes a bearer token for the web surface, prints it once, and appends only its
/// SHA-256 hash (with the role and subject) to the tokens file.
enum TokenCommand {
    static let help = """
        USAGE: courtwatch token add --role ROLE --subject WHO [--config DIR | --file PATH]

        Makes a random token (32 bytes, base64url), prints it once on standard output, and appends its SHA-256
        hash, role and subject to the tokens file (TokensFile= in [Daemon] of courtwatch.conf, relative to the
        configuration directory; created with mode 0600). The token itself is stored nowhere: keep it, or make
        another. The running daemon picks the new line up on the next request. To revoke a token, delete its
        line.

        ROLES: ops, site-lead, manager, union-rep, staff

        OPTIONS:
          --role ROLE     What the token may do (see the route table in the README)
          --subject WHO   Who holds it: a staff ID or a name; recorded as 'by' when they act through the API
          --config DIR   Configuration holding courtwatch.conf (default \(CommandLineTool.defaultConfig))
          --file PATH    The tokens file, instead of reading TokensFile= from courtwatch.conf
        """

    static func run(_ arguments: ArraySlice<String>) throws(CommandFailure) -> ExitCode {
        let command = "token add"
        guard arguments.first == "add" else {
            if arguments.first == nil || arguments.first == "--help" || arguments.first == "-h" {
                print(help)
                return arguments.first == nil ? .usage : .success
            }
            throw .usage("unknown token command '\(arguments.first!)'", command: "token")
        }
        let parsed = try ParsedArguments.parse(arguments.dropFirst(), command: command,
                                               options: ["role", "subject", "config", "file"])
        if parsed.wantsHelp { print(help); return .success }
        guard let roleName = parsed.option("role") else { throw .usage("--role is required", command: command) }
        guard let role = Role(rawValue: roleName) else {
            throw .usage("--role \(roleName) is not one of " + Role.allCases.map(\.rawValue).joined(separator: ", "),
                         command: command)
        }
        guard let subject = parsed.option("subject")?.trimmingCharacters(in: .whitespaces), !subject.isEmpty,
              !subject.contains("\n"), subject.count <= 200
        else { throw .usage("--subject is required: a staff ID or a name on one line", command: command) }
        let path: String
        if let file = parsed.option("file") {
            path = file
        } else {
            let directory = parsed.option("config") ?? CommandLineTool.defaultConfig
            let configuration = try CommandLineTool.loadConfiguration(directory)
            guard let configured = WebService.tokensPath(configuration) else {
                throw CommandFailure(code: .dataError,
                                     message: "\(directory)/courtwatch.conf sets no TokensFile= in [Daemon]; set it or pass --file")
            }
            path = configured
        }
        let token: String
        do {
            token = try TokenMaker.newToken()
        } catch {
            throw CommandFailure(code: .failure, message: error.description)
        }
        try append(TokenMaker.line(token: token, role: role, subject: subject) + "\n", to: path)
        print(token)
        FileHandle.standardError.write(Data(
            "courtwatch: token for \(subject) (\(role.rawValue)) added to \(path); it is shown only this once\n".utf8))
        return .success
    }

    /// Appends with O_APPEND (whole lines, even with two writers), creating the file 0600.
    private static func append(_ line: String, to path: String) throws(CommandFailure) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure(code: .failure, message: "\(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(line.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw CommandFailure(code: .failure, message: "\(path): \(String(cString: strerror(errno)))")
        }
    }
}
