import Crypto

/// The hash chain over events: `hash = SHA-256(prev_hash || canonical bytes)`, starting from 32 zero bytes.
public enum EventChain {
    public static let genesis = [UInt8](repeating: 0, count: SHA256.byteCount)

    /// The bytes an event is hashed over, built from its stored columns only, so verification needs nothing
    /// but the row.
    public static func canonicalBytes(seq: Int64, atMilliseconds: Int64, kind: String, probeID: String?,
                                      payload: String) -> [UInt8] {
        Array("courtwatch-event-v1\n\(seq)\n\(atMilliseconds)\n\(kind)\n\(probeID ?? "")\n\(payload)".utf8)
    }

    public static func hash(previous: [UInt8], seq: Int64, atMilliseconds: Int64, kind: String, probeID: String?,
                            payload: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(previous)
        hasher.update(canonicalBytes(seq: seq, atMilliseconds: atMilliseconds, kind: kind, probeID: probeID,
                                     payload: payload))
        return hasher.finalize().bytes
    }
}
