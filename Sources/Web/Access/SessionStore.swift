import Foundation
import Crypto

/// Browser sessions, in memory: a signed-in browser holds a random session ID in the `courtwatch_session`
/// cookie; this store keeps only the ID's SHA-256, so a memory dump or a log line with a key in it opens
/// nothing. Sessions end after `idleMilliseconds` without a request, `absoluteMilliseconds` after sign-in,
/// on sign-out, when the cap pushes the oldest out, and when the token they were opened with leaves the
/// tokens file (`WebApplication` re-checks that on every request). A restart of the daemon signs everyone out.
public final class SessionStore: @unchecked Sendable {
    // @unchecked: `sessions` is guarded by `lock`; everything else is immutable.

    /// One signed-in browser.
    public struct Session: Sendable, Equatable {
        /// SHA-256 of the session ID: the key, and the only form of the ID kept.
        public var key: String
        public var principal: Principal
        /// SHA-256 of the token signed in with (as in the tokens file), to re-check it is still there.
        public var tokenHash: [UInt8]
        /// The value every HTML form posted in this session must carry as `csrf`.
        public var csrf: String
        /// Milliseconds since the epoch (the store's clock).
        public var createdAt: Int64
        public var lastSeenAt: Int64
        /// A one-time message for the next page shown (Post/Redirect/Get).
        public var flash: String?
    }

    public static let cookieName = "courtwatch_session"

    public let idleMilliseconds: Int64
    public let absoluteMilliseconds: Int64
    public let capacity: Int
    private let clock: @Sendable () -> Int64
    private let lock = NSLock()
    private var sessions: [String: Session] = [:]

    /// `clock`: milliseconds since the epoch (tests pass a manual one).
    public init(idleMinutes: Int = 480, absoluteMinutes: Int = 720, capacity: Int = 2000,
                clock: (@Sendable () -> Int64)? = nil) {
        idleMilliseconds = Int64(idleMinutes) * 60_000
        absoluteMilliseconds = Int64(absoluteMinutes) * 60_000
        self.capacity = max(1, capacity)
        self.clock = clock ?? { Int64(Date().timeIntervalSince1970 * 1000) }
    }

    /// Opens a session: returns the ID for the cookie (never stored here) and the session.
    public func create(for principal: Principal, tokenHash: [UInt8]) throws(TokenStore.Failure) -> (id: String, session: Session) {
        let id = try TokenMaker.newToken()
        let now = clock()
        let session = Session(key: Self.key(id), principal: principal, tokenHash: tokenHash,
                              csrf: try TokenMaker.newToken(), createdAt: now, lastSeenAt: now, flash: nil)
        lock.withLock {
            sweep(now: now)
            while sessions.count >= capacity, let oldest = sessions.values.min(by: { $0.createdAt < $1.createdAt }) {
                sessions[oldest.key] = nil
            }
            sessions[session.key] = session
        }
        return (id, session)
    }

    /// The live session for a cookie's ID, its idle clock restarted; nil when unknown or expired (and then gone).
    public func session(id: String) -> Session? {
        guard id.utf8.count <= 100 else { return nil }
        let key = Self.key(id)
        let now = clock()
        return lock.withLock {
            guard var session = sessions[key] else { return nil }
            guard isLive(session, now: now) else {
                sessions[key] = nil
                return nil
            }
            session.lastSeenAt = now
            sessions[key] = session
            return session
        }
    }

    /// Ends a session (sign-out, or its token was removed).
    public func remove(key: String) {
        lock.withLock { sessions[key] = nil }
    }

    /// Sets the message the next page in this session shows once.
    public func setFlash(_ message: String, key: String) {
        lock.withLock { sessions[key]?.flash = message }
    }

    /// The pending message, cleared so it shows once.
    public func takeFlash(key: String) -> String? {
        lock.withLock {
            let message = sessions[key]?.flash
            sessions[key]?.flash = nil
            return message
        }
    }

    /// Live sessions (expired ones are swept first).
    public var count: Int {
        let now = clock()
        return lock.withLock {
            sweep(now: now)
            return sessions.count
        }
    }

    static func key(_ id: String) -> String { SHA256.hash(id).hex }

    private func isLive(_ session: Session, now: Int64) -> Bool {
        now - session.lastSeenAt < idleMilliseconds && now - session.createdAt < absoluteMilliseconds
    }

    private func sweep(now: Int64) {
        sessions = sessions.filter { isLive($0.value, now: now) }
    }
}
