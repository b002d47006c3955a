/// What ties a printed report to the failure log: the events it rests on and the key that signs it.
public struct ReportProvenance: Sendable, Equatable {
    /// How many events the report rests on, and SHA-256 over their `seq:hash` lines.
    public var eventCount: Int
    public var eventsSHA256: String
    /// The newest event in the log when the report was made.
    public var chainHeadSeq: Int64
    /// The signing key's fingerprint and the command that checks the detached `.sig`.
    public var keyFingerprint: String
    public var verificationCommand: String
    public var generator: String

    public init(eventCount: Int, eventsSHA256: String, chainHeadSeq: Int64, keyFingerprint: String,
                verificationCommand: String, generator: String = "courtwatch") {
        self.eventCount = eventCount
        self.eventsSHA256 = eventsSHA256
        self.chainHeadSeq = chainHeadSeq
        self.keyFingerprint = keyFingerprint
        self.verificationCommand = verificationCommand
        self.generator = generator
    }

    /// The verification line printed at the foot of every report.
    public var line: String {
        "Signed with Ed25519 key \(keyFingerprint). Rests on \(eventCount) failure-log events (SHA-256 "
            + "\(eventsSHA256), log head seq \(chainHeadSeq)). Check: \(verificationCommand)"
    }
}
