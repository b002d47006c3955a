/// Reads domain names out of a DNS message, following compression pointers (RFC 1035 §4.1.4).
///
/// Bounded on hostile input: a pointer to a place this name already jumped to is a loop, every pointer must
/// land inside the message, and a name longer than 255 bytes is refused, so the walk ends after at most
/// one visit per message offset.
struct DNSNameReader {
    let message: [UInt8]

    /// Names are at most 255 bytes on the wire, counting length bytes and the final zero.
    static let maximumNameLength = 255

    /// The labels of the name at `offset`, and the offset just after it in the message (after the first
    /// pointer if it is compressed). `context` ("answer 2 name") starts every error message.
    func readName(at offset: Int, context: String) throws(DNSMessageError) -> (labels: [[UInt8]], end: Int) {
        var labels: [[UInt8]] = []
        var position = offset
        var end: Int?
        var wireLength = 1
        var visited: Set<Int> = []
        while true {
            guard position < message.count else {
                throw .runsPastEnd(what: "\(context) at offset \(position)", messageLength: message.count)
            }
            let length = message[position]
            switch length & 0xC0 {
            case 0x00:
                if length == 0 { return (labels, end ?? position + 1) }
                let start = position + 1
                let stop = start + Int(length)
                guard stop <= message.count else {
                    throw .runsPastEnd(what: "\(context) label of \(length) bytes at offset \(position)",
                                       messageLength: message.count)
                }
                wireLength += Int(length) + 1
                guard wireLength <= Self.maximumNameLength else {
                    throw .nameTooLong(context: context, offset: position)
                }
                labels.append(Array(message[start..<stop]))
                position = stop
            case 0xC0:
                guard position + 1 < message.count else {
                    throw .runsPastEnd(what: "\(context) compression pointer at offset \(position)",
                                       messageLength: message.count)
                }
                let target = Int(length & 0x3F) << 8 | Int(message[position + 1])
                if end == nil { end = position + 2 }
                guard target < message.count else {
                    throw .pointerOutOfBounds(context: context, offset: position, target: target,
                                              messageLength: message.count)
                }
                guard visited.insert(target).inserted else { throw .pointerLoop(context: context, offset: position) }
                position = target
            default:
                throw .unsupportedLabelType(context: context, offset: position, byte: length & 0xC0)
            }
        }
    }

    /// A name as text: labels joined with dots, no trailing dot, `.` for the root. Bytes that are not
    /// printable ASCII, and dots or backslashes inside a label, are escaped as `\DDD` (RFC 4343).
    static func text(of labels: [[UInt8]]) -> String {
        guard !labels.isEmpty else { return "." }
        return labels.map { label in
            var text = ""
            for byte in label {
                if byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "\\") {
                    text.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    let digits = String(byte)
                    text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
                }
            }
            return text
        }.joined(separator: ".")
    }

    /// DNS names compare without regard to ASCII case (RFC 4343).
    static func equal(_ left: [[UInt8]], _ right: [[UInt8]]) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy { a, b in
            a.count == b.count && zip(a, b).allSatisfy { lowercase($0) == lowercase($1) }
        }
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
