/// Why a DNS message could not be built or read. Every case names the part of the message and the offset
/// or count that was wrong, so the failure log says what the resolver actually sent.
enum DNSMessageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name to ask for cannot be put on the wire.
    case invalidQueryName(String, reason: String)
    /// Fewer bytes than a DNS header: this cannot be matched to any query.
    case shorterThanHeader(length: Int)
    /// The reply's ID is not the query's: a reply to something else (or a spoofing attempt).
    case idMismatch(expected: UInt16, received: UInt16)
    /// QR is 0: the message is a query (something echoed our packet back).
    case notAResponse
    case unexpectedOpcode(UInt8)
    /// TC is set: the answer did not fit in UDP. The run asks again over TCP (`DNSTCPExchange`).
    case truncated
    case questionCount(Int, rcode: DNSResponseCode)
    /// The reply's question is not the one asked.
    case questionMismatch(expected: String, received: String)
    /// `what` (e.g. "answer 2 RDLENGTH 40") needs bytes beyond the end of the message.
    case runsPastEnd(what: String, messageLength: Int)
    case pointerLoop(context: String, offset: Int)
    case pointerOutOfBounds(context: String, offset: Int, target: Int, messageLength: Int)
    /// The two top bits of a label length are 01 or 10 (obsolete extended label types).
    case unsupportedLabelType(context: String, offset: Int, byte: UInt8)
    case nameTooLong(context: String, offset: Int)
    /// The RDATA of answer `record` does not have the shape its type requires.
    case malformedRecordData(record: Int, type: String, detail: String)

    var description: String {
        switch self {
        case let .invalidQueryName(name, reason):
            "cannot ask for '\(name)': \(reason)"
        case let .shorterThanHeader(length):
            "reply is \(length) \(length == 1 ? "byte" : "bytes"), shorter than the 12-byte DNS header"
        case let .idMismatch(expected, received):
            "reply ID \(Self.hex(received)) does not match the query ID \(Self.hex(expected))"
        case .notAResponse:
            "QR bit is 0: the message is a query, not a reply"
        case let .unexpectedOpcode(opcode):
            "reply has opcode \(opcode) (expected 0, a standard query)"
        case .truncated:
            "reply truncated (TC bit set)"
        case let .questionCount(count, rcode):
            "reply (\(rcode)) has \(count) questions (expected 1, echoing ours)"
        case let .questionMismatch(expected, received):
            "reply's question '\(received)' is not ours '\(expected)'"
        case let .runsPastEnd(what, length):
            "\(what) runs past the end of the \(length)-byte message"
        case let .pointerLoop(context, offset):
            "\(context): compression pointer loop at offset \(offset)"
        case let .pointerOutOfBounds(context, offset, target, length):
            "\(context): compression pointer at offset \(offset) points to offset \(target), "
                + "past the end of the \(length)-byte message"
        case let .unsupportedLabelType(context, offset, byte):
            "\(context): label type \(Self.hex(byte)) at offset \(offset) is not supported "
                + "(only plain labels and compression pointers)"
        case let .nameTooLong(context, offset):
            "\(context): name is longer than 255 bytes (at offset \(offset))"
        case let .malformedRecordData(record, type, detail):
            "answer \(record) \(type) record \(detail)"
        }
    }

    /// Whether the datagram may simply be a reply to something else: the run ignores these instead of failing.
    var meansNotOurReply: Bool {
        switch self {
        case .shorterThanHeader, .idMismatch, .questionMismatch: true
        default: false
        }
    }
}

extension DNSMessageError {
    /// `0x002A`: IDs and flag bytes as a packet dump shows them.
    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func hex(_ value: UInt8) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" : "") + digits
    }
}
