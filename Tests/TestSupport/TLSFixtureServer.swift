public import Foundation

/// Tests/Fixtures/tls_server.py running on loopback with a certificate made at start: its port, the CA
/// that trusts it, and the folder where it saves what it received. Killed by PID when released.
public final class TLSFixtureServer: @unchecked Sendable {
    // @unchecked: every property is fixed after init.
    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    private let process = Process()
    public let directory = TemporaryDirectory("courtwatch-tls-fixture")
    public let port: Int

    /// `mode`: valid, expiring, expired, wrong-name, self-signed. `protocol`: https, smtps, smtp-starttls,
    /// smtp-no-starttls.
    public init(mode: String = "valid", protocol: String) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", packageRoot + "/Tests/Fixtures/tls_server.py", mode, directory.path, `protocol`]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is "PORT n"; bounded by the pipe closing if the fixture fails.
        var line = Data()
        while !line.contains(10) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw StartFailure(description: "tls_server.py did not start (needs python3 with cryptography): \(text)")
        }
        self.port = port
    }

    public var caFile: String { directory.subpath("ca.pem") }

    /// A file the fixture wrote (message-1.eml, envelope-1.json), or nil while it does not exist.
    public func saved(_ name: String) -> Data? { FileManager.default.contents(atPath: directory.subpath(name)) }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)  // our own child; nothing to flush
            process.waitUntilExit()
        }
    }
}
