import Foundation
import Crypto

/// The tokens file (`TokensFile=`): one line per token, `sha256-hex role subject`, `#` comments. Only the
/// hash is stored, so a copy of the file grants nothing. Re-read when it changes on disk, so
/// `courtwatch token add` takes effect without a restart.
public final class TokenStore: @unchecked Sendable {
    // @unchecked: the cache is guarded by `lock`.
    public struct Entry: Sendable, Equatable {
        public var hash: [UInt8]
        public var principal: Principal
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public let path: String?
    private let lock = NSLock()
    private var entries: [Entry] = []
    private var stamp: (modified: Int, size: Int, inode: UInt64)?

    /// `path` nil: no tokens, only anonymous access. Throws when the file cannot be read or has a bad line.
    public init(path: String?) throws(Failure) {
        self.path = path
        if path != nil { try reloadIfChanged(force: true) }
    }

    private init(unloaded path: String?) {
        self.path = path
    }

    /// For the daemon: a bad or missing file is reported and grants nothing until it is fixed (the store
    /// keeps re-reading it), rather than stopping monitoring over a typo in the tokens file.
    public static func failingClosed(path: String?, report: (Failure) -> Void) -> TokenStore {
        let store = TokenStore(unloaded: path)
        do {
            try store.reloadIfChanged(force: true)
        } catch {
            report(error)
        }
        return store
    }

    /// Parses the file's text; errors name file:line.
    public static func parse(_ text: String, file: String) throws(Failure) -> [Entry] {
        var entries: [Entry] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard fields.count == 3 else {
                throw Failure(description: "\(file):\(offset + 1): expected 'SHA256-HEX ROLE SUBJECT'")
            }
            guard fields[0].count == 64, let hash = HexEncoding.decode(String(fields[0])) else {
                throw Failure(description: "\(file):\(offset + 1): the first field is not a SHA-256 hash in hex")
            }
            guard let role = Role(rawValue: String(fields[1])) else {
                throw Failure(description: "\(file):\(offset + 1): unknown role '\(fields[1])' (roles: "
                              + Role.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            entries.append(Entry(hash: hash, principal: Principal(role: role, subject: String(fields[2]))))
        }
        return entries
    }

    /// The principal a bearer token belongs to, or nil. Every stored hash is compared in full, in
    /// constant time, whatever matches, so timing says nothing about which bytes were right.
    public func authenticate(_ token: String) -> Principal? {
        try? reloadIfChanged(force: false)
        let presented = SHA256.hash(token).bytes
        let current = lock.withLock { entries }
        var found: Principal?
        for entry in current where Self.constantTimeEqual(entry.hash, presented) && found == nil {
            found = entry.principal
        }
        return found
    }

    /// The principal whose stored hash is `hash`, re-reading the file if it changed: a browser session is
    /// re-checked with this on every request, so removing a token from the file ends its sessions.
    public func principal(forHash hash: [UInt8]) -> Principal? {
        try? reloadIfChanged(force: false)
        let current = lock.withLock { entries }
        var found: Principal?
        for entry in current where Self.constantTimeEqual(entry.hash, hash) && found == nil {
            found = entry.principal
        }
        return found
    }

    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private func reloadIfChanged(force: Bool) throws(Failure) {
        guard let path else { return }
        var info = stat()
        guard stat(path, &info) == 0 else {
            if force { throw Failure(description: "\(path): cannot be read (\(String(cString: strerror(errno))))") }
            lock.withLock { entries = [] }
            return
        }
        let now = (Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec), Int(info.st_size), UInt64(info.st_ino))
        if !force, let stamp = lock.withLock({ stamp }), stamp == now { return }
        // A file that cannot be read or parsed any more grants nothing (fail closed): an edit meant to revoke a
        // token must not leave the old set in force because of a typo.
        guard let data = FileManager.default.contents(atPath: path) else {
            lock.withLock { entries = [] }
            throw Failure(description: "\(path): cannot be read")
        }
        let parsed: [Entry]
        do {
            parsed = try Self.parse(String(decoding: data, as: UTF8.self), file: path)
        } catch {
            lock.withLock {
                entries = []
                stamp = now
            }
            throw error
        }
        lock.withLock {
            entries = parsed
            stamp = now
        }
    }
}

/// Makes new tokens: 32 random bytes from the kernel, base64url without padding.
public enum TokenMaker {
    public static func newToken() throws(TokenStore.Failure) -> String {
        guard let handle = FileHandle(forReadingAtPath: "/dev/urandom"),
              let data = try? handle.read(upToCount: 32), data.count == 32
        else { throw TokenStore.Failure(description: "cannot read 32 random bytes from /dev/urandom") }
        try? handle.close()
        return base64URL(Array(data))
    }

    public static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The line stored for `token`.
    public static func line(token: String, role: Role, subject: String) -> String {
        "\(SHA256.hash(token).hex) \(role.rawValue) \(subject)"
    }
}
