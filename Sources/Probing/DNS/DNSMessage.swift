import Monitoring

/// One question as courtwatch sends it: a standard query with recursion desired, one question, no EDNS.
/// A pure value: building and parsing messages does no I/O.
struct DNSQuery: Hashable, Sendable {
    let id: UInt16
    let labels: [[UInt8]]
    let type: UInt16
    /// The wire bytes to send.
    let bytes: [UInt8]

    /// - Parameter id: random unless a test fixes it; the reply must carry the same ID.
    init(name: String, type: UInt16, id: UInt16 = UInt16.random(in: 0...UInt16.max)) throws(DNSMessageError) {
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        guard !trimmed.isEmpty else { throw .invalidQueryName(name, reason: "the name is empty") }
        var labels: [[UInt8]] = []
        for label in trimmed.split(separator: ".", omittingEmptySubsequences: false) {
            let bytes = Array(label.utf8)
            guard !bytes.isEmpty else { throw .invalidQueryName(name, reason: "it has an empty label") }
            guard bytes.count <= 63 else {
                throw .invalidQueryName(name, reason: "label '\(label)' is \(bytes.count) bytes (at most 63)")
            }
            labels.append(bytes)
        }
        let wireLength = labels.reduce(1) { $0 + $1.count + 1 }
        guard wireLength <= DNSNameReader.maximumNameLength else {
            throw .invalidQueryName(name, reason: "it is \(wireLength) bytes on the wire (at most 255)")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12 + wireLength + 4)
        bytes.appendBigEndian(id)
        bytes.appendBigEndian(0x0100)  // QR=0, opcode 0, RD=1
        bytes.appendBigEndian(1)  // QDCOUNT
        bytes.append(contentsOf: [0, 0, 0, 0, 0, 0])  // ANCOUNT, NSCOUNT, ARCOUNT
        for label in labels {
            bytes.append(UInt8(label.count))
            bytes.append(contentsOf: label)
        }
        bytes.append(0)
        bytes.appendBigEndian(type)
        bytes.appendBigEndian(DNSRecordType.classInternet)
        self.id = id
        self.labels = labels
        self.type = type
        self.bytes = bytes
    }

    /// `cp.example.org A`, as messages name the question.
    var questionText: String { "\(DNSNameReader.text(of: labels)) \(DNSRecordType.name(of: type))" }
}

/// A reply, read strictly against the query it answers. Only the header, the question and the answer
/// section are read; authority and additional records are not needed to judge the answer.
struct DNSResponse: Hashable, Sendable {
    var id: UInt16
    var rcode: DNSResponseCode
    var isAuthoritative: Bool
    var answers: [DNSRecord]

    init(id: UInt16, rcode: DNSResponseCode, isAuthoritative: Bool, answers: [DNSRecord]) {
        self.id = id
        self.rcode = rcode
        self.isAuthoritative = isAuthoritative
        self.answers = answers
    }

    /// Parses `message` as the reply to `query`, or throws saying exactly what is wrong. Never traps.
    init(parsing message: [UInt8], for query: DNSQuery) throws(DNSMessageError) {
        guard message.count >= 12 else { throw .shorterThanHeader(length: message.count) }
        let id = message.bigEndianUInt16(at: 0)
        guard id == query.id else { throw .idMismatch(expected: query.id, received: id) }
        let flags = message.bigEndianUInt16(at: 2)
        guard flags & 0x8000 != 0 else { throw .notAResponse }
        let opcode = UInt8((flags >> 11) & 0x0F)
        guard opcode == 0 else { throw .unexpectedOpcode(opcode) }
        guard flags & 0x0200 == 0 else { throw .truncated }
        let rcode = DNSResponseCode(rawValue: UInt8(flags & 0x000F))
        let questionCount = Int(message.bigEndianUInt16(at: 4))
        let answerCount = Int(message.bigEndianUInt16(at: 6))
        let reader = DNSNameReader(message: message)

        var position = 12
        switch questionCount {
        case 1:
            position = try Self.checkQuestion(reader, for: query)
        case 0 where rcode != .noError:
            break  // Some servers drop the question from an error reply (REFUSED, FORMERR); the ID still matched.
        default:
            throw .questionCount(questionCount, rcode: rcode)
        }

        var answers: [DNSRecord] = []
        answers.reserveCapacity(min(answerCount, 64))
        for index in 0..<answerCount {
            let (record, next) = try Self.readRecord(reader, at: position, number: index + 1)
            answers.append(record)
            position = next
        }
        self.id = id
        self.rcode = rcode
        isAuthoritative = flags & 0x0400 != 0
        self.answers = answers
    }

    /// Checks that the question section echoes `query`; returns the offset after it.
    private static func checkQuestion(_ reader: DNSNameReader, for query: DNSQuery) throws(DNSMessageError) -> Int {
        let message = reader.message
        let (labels, end) = try reader.readName(at: 12, context: "question name")
        guard end + 4 <= message.count else {
            throw .runsPastEnd(what: "question type and class at offset \(end)", messageLength: message.count)
        }
        let type = message.bigEndianUInt16(at: end)
        let recordClass = message.bigEndianUInt16(at: end + 2)
        guard DNSNameReader.equal(labels, query.labels), type == query.type,
              recordClass == DNSRecordType.classInternet
        else {
            let classText = recordClass == DNSRecordType.classInternet ? "" : " CLASS\(recordClass)"
            let received = "\(DNSNameReader.text(of: labels)) \(DNSRecordType.name(of: type))\(classText)"
            throw .questionMismatch(expected: query.questionText, received: received)
        }
        return end + 4
    }

    /// Reads answer `number` (1-based) at `offset`; returns it and the offset of the next record.
    private static func readRecord(_ reader: DNSNameReader, at offset: Int, number: Int)
        throws(DNSMessageError) -> (DNSRecord, Int)
    {
        let message = reader.message
        let (labels, headerStart) = try reader.readName(at: offset, context: "answer \(number) name")
        guard headerStart + 10 <= message.count else {
            throw .runsPastEnd(what: "answer \(number) header (type, class, TTL, RDLENGTH) at offset \(headerStart)",
                               messageLength: message.count)
        }
        let type = message.bigEndianUInt16(at: headerStart)
        let recordClass = message.bigEndianUInt16(at: headerStart + 2)
        let ttl = UInt32(message.bigEndianUInt16(at: headerStart + 4)) << 16
            | UInt32(message.bigEndianUInt16(at: headerStart + 6))
        let length = Int(message.bigEndianUInt16(at: headerStart + 8))
        let dataStart = headerStart + 10
        let dataEnd = dataStart + length
        guard dataEnd <= message.count else {
            throw .runsPastEnd(what: "answer \(number) RDLENGTH \(length)", messageLength: message.count)
        }
        let data = try DNSRecordDecoder(reader: reader, number: number, type: type, start: dataStart, end: dataEnd)
            .decode()
        let record = DNSRecord(name: DNSNameReader.text(of: labels), type: type, recordClass: recordClass, ttl: ttl,
                               data: data)
        return (record, dataEnd)
    }
}

/// Decodes the RDATA of one answer, which must fill exactly its RDLENGTH.
private struct DNSRecordDecoder {
    let reader: DNSNameReader
    let number: Int
    let type: UInt16
    let start: Int
    let end: Int

    func decode() throws(DNSMessageError) -> DNSRecordData {
        let message = reader.message
        switch type {
        case DNSRecordType.a:
            try requireLength(4)
            return .a(Array(message[start..<end]))
        case DNSRecordType.aaaa:
            try requireLength(16)
            return .aaaa(Array(message[start..<end]))
        case DNSRecordType.mx:
            guard end - start >= 3 else { throw failure("has RDLENGTH \(end - start) (at least 3)") }
            let preference = message.bigEndianUInt16(at: start)
            return .mx(preference: preference, exchange: try name(at: start + 2, role: "exchange"))
        case DNSRecordType.ns:
            return .ns(try name(at: start, role: "host name"))
        case DNSRecordType.cname:
            return .cname(try name(at: start, role: "target"))
        case DNSRecordType.txt:
            return .txt(try characterStrings())
        default:
            return .other(type: type, length: end - start)
        }
    }

    private func requireLength(_ expected: Int) throws(DNSMessageError) {
        guard end - start == expected else { throw failure("has RDLENGTH \(end - start) (expected \(expected))") }
    }

    /// A name inside RDATA: compressed or not, its in-line part must end exactly where the RDATA ends.
    private func name(at offset: Int, role: String) throws(DNSMessageError) -> String {
        guard offset < end else { throw failure("has no room for its \(role) (RDLENGTH \(end - start))") }
        let context = "answer \(number) \(DNSRecordType.name(of: type)) \(role)"
        let (labels, nameEnd) = try reader.readName(at: offset, context: context)
        guard nameEnd == end else {
            throw failure("\(role) ends at offset \(nameEnd) but RDLENGTH \(end - start) ends the data at offset "
                          + "\(end)")
        }
        return DNSNameReader.text(of: labels)
    }

    private func characterStrings() throws(DNSMessageError) -> [[UInt8]] {
        guard end > start else { throw failure("has RDLENGTH 0 (at least one character-string)") }
        var strings: [[UInt8]] = []
        var position = start
        while position < end {
            let length = Int(reader.message[position])
            guard position + 1 + length <= end else {
                throw failure("character-string of \(length) bytes at offset \(position) runs past RDLENGTH "
                              + "\(end - start)")
            }
            strings.append(Array(reader.message[(position + 1)..<(position + 1 + length)]))
            position += 1 + length
        }
        return strings
    }

    private func failure(_ detail: String) -> DNSMessageError {
        .malformedRecordData(record: number, type: DNSRecordType.name(of: type), detail: detail)
    }
}

extension [UInt8] {
    /// The big-endian 16-bit value at `offset`; the caller has checked that two bytes are there.
    fileprivate func bigEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    fileprivate mutating func appendBigEndian(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }
}
