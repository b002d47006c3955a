import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
public import Crypto

/// The state directory's Ed25519 key pair, which signs exports and reports. Created on first use: the
/// private key (`signing-key.pem`, mode 0600) never leaves the state directory; the public key
/// (`signing-key.pub.pem`) is published so anyone can check a signature with the stock `openssl` command:
/// `openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin -in FILE -sigfile FILE.sig`.
public struct ExportSigner: Sendable {
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case keyFile(path: String, reason: String)
        case crypto(CryptoError)

        public var description: String {
            switch self {
            case let .keyFile(path, reason): "\(path): \(reason)"
            case let .crypto(error): error.description
            }
        }
    }

    public static let privateKeyName = "signing-key.pem"
    public static let publicKeyName = "signing-key.pub.pem"

    public let privateKeyPath: String
    public let publicKeyPath: String
    private let key: Ed25519PrivateKey
    public let publicKey: Ed25519PublicKey

    /// Loads the key pair from `stateDirectory`, creating it if there is none. Two processes creating it at
    /// once end up with the same key: the file is published with link(2), which refuses to replace one.
    public static func loadOrCreate(stateDirectory: String) throws(Failure) -> ExportSigner {
        let privatePath = stateDirectory + "/" + privateKeyName
        if access(privatePath, F_OK) != 0 {
            try create(at: privatePath)
        }
        return try load(stateDirectory: stateDirectory)
    }

    /// Loads an existing key pair; refuses a private key others can read.
    public static func load(stateDirectory: String) throws(Failure) -> ExportSigner {
        let privatePath = stateDirectory + "/" + privateKeyName
        var status = stat()
        guard stat(privatePath, &status) == 0 else {
            throw .keyFile(path: privatePath, reason: "no signing key (\(String(describing: errnoText())))")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw .keyFile(path: privatePath, reason: "the signing key is readable by others (mode "
                + String(status.st_mode & 0o777, radix: 8) + "); run: chmod 600 \(privatePath)")
        }
        let pem: String
        do {
            pem = try String(contentsOfFile: privatePath, encoding: .utf8)
        } catch {
            throw .keyFile(path: privatePath, reason: "cannot read the signing key: \(error)")
        }
        do {
            let key = try Ed25519PrivateKey(pem: pem)
            let signer = ExportSigner(privateKeyPath: privatePath, publicKeyPath: stateDirectory + "/" + publicKeyName,
                                      key: key, publicKey: try key.publicKey)
            try signer.publishPublicKey()
            return signer
        } catch let error as CryptoError {
            throw .crypto(error)
        } catch let error as Failure {
            throw error
        } catch {
            throw .keyFile(path: privatePath, reason: "\(error)")
        }
    }

    /// The detached signature of `bytes`.
    public func signature(for bytes: [UInt8]) throws(Failure) -> [UInt8] {
        do { return try key.signature(for: bytes) } catch { throw .crypto(error) }
    }

    /// Writes `bytes` to `path` and its detached signature to `path.sig`, each atomically.
    public func writeSigned(_ bytes: [UInt8], to path: String) throws(Failure) {
        let signature = try signature(for: bytes)
        try Self.writeAtomically(bytes, to: path, mode: 0o644)
        try Self.writeAtomically(signature, to: path + ".sig", mode: 0o644)
    }

    /// The shell line that checks `path` against its `.sig` with only openssl installed.
    public func verificationCommand(for path: String) -> String {
        "openssl pkeyutl -verify -pubin -inkey \(publicKeyPath) -rawin -in \(path) -sigfile \(path).sig"
    }

    private func publishPublicKey() throws {
        let pem = try publicKey.pem
        if let existing = try? String(contentsOfFile: publicKeyPath, encoding: .utf8), existing == pem { return }
        try Self.writeAtomically(Array(pem.utf8), to: publicKeyPath, mode: 0o644)
    }

    private static func create(at path: String) throws(Failure) {
        let pem: String
        do { pem = try Ed25519PrivateKey().pem } catch { throw .crypto(error) }
        let temporary = path + ".new.\(getpid())"
        try writeFile(Array(pem.utf8), to: temporary, mode: 0o600)
        defer { unlink(temporary) }
        if link(temporary, path) != 0 && errno != EEXIST {
            throw .keyFile(path: path, reason: "cannot create the signing key: \(errnoText())")
        }
    }

    /// Writes to a temporary file in the same directory, syncs it, and renames it over `path`.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: UInt32) throws(Failure) {
        let temporary = path + ".tmp.\(getpid())"
        try writeFile(bytes, to: temporary, mode: mode)
        guard rename(temporary, path) == 0 else {
            let reason = errnoText()
            unlink(temporary)
            throw .keyFile(path: path, reason: "cannot write: \(reason)")
        }
    }

    private static func writeFile(_ bytes: [UInt8], to path: String, mode: UInt32) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw .keyFile(path: path, reason: "cannot create: \(errnoText())") }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                let reason = errnoText()
                close(descriptor)
                unlink(path)
                throw .keyFile(path: path, reason: "cannot write: \(reason)")
            }
            written += result
        }
        let synced = fsync(descriptor) == 0
        let reason = errnoText()
        close(descriptor)
        guard synced else {
            unlink(path)
            throw .keyFile(path: path, reason: "cannot sync: \(reason)")
        }
    }
}

private func errnoText() -> String { String(cString: strerror(errno)) }
