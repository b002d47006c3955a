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

    /// The server certificate's notAfter in Unix seconds, read from server.pem by Python's `cryptography`
    /// (not by courtwatch's own parser, so a test comparing the two can fail).
    public func leafNotAfterSeconds() throws -> Int64 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys; from cryptography import x509; "
            + "print(int(x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read()).not_valid_after_utc.timestamp()))",
            directory.subpath("server.pem")]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let seconds = Int64(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw StartFailure(description: "cannot read notAfter from server.pem: \(text)")
        }
        return seconds
    }

    /// A file the fixture wrote (message-1.eml, envelope-1.json), or nil while it does not exist.
    public func saved(_ name: String) -> Data? { FileManager.default.contents(atPath: directory.subpath(name)) }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)  // our own child; nothing to flush
            process.waitUntilExit()
        }
    }
}
