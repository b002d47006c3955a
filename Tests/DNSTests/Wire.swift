/// DNS messages assembled byte by byte for tests, independently of the codec under test, so a bug in the
/// codec cannot hide itself by agreeing with its own encoder.
enum Wire {
    static let a: UInt16 = 1
    static let ns: UInt16 = 2
    static let cname: UInt16 = 5
    static let mx: UInt16 = 15
    static let txt: UInt16 = 16
    static let aaaa: UInt16 = 28

    /// A pointer to offset 12: the question name, which every reply here carries first.
    static let toQuestionName: [UInt8] = [0xC0, 0x0C]

    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    /// Uncompressed labels ending in the root label.
    static func name(_ text: String) -> [UInt8] {
        labels(text) + [0]
    }

    /// Labels without the terminating zero, to put in front of a compression pointer.
    static func labels(_ text: String) -> [UInt8] {
        text.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
    }

    /// Header: ID, flags, then QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT.
    static func header(id: UInt16, flags: UInt16, questions: UInt16 = 1, answers: UInt16) -> [UInt8] {
        u16(id) + u16(flags) + u16(questions) + u16(answers) + u16(0) + u16(0)
    }

    /// A question section: name, type, class IN.
    static func question(_ name: String, type: UInt16) -> [UInt8] {
        self.name(name) + u16(type) + u16(1)
    }

    /// One resource record of class IN with a 300 s TTL.
    static func record(owner: [UInt8] = toQuestionName, type: UInt16, data: [UInt8]) -> [UInt8] {
        owner + u16(type) + u16(1) + [0, 0, 1, 44] + u16(UInt16(data.count)) + data
    }

    /// A standard reply (QR, RD, RA set) to `query` with `rcode` and these answer records.
    static func reply(to query: ReceivedQuery, rcode: UInt16 = 0, extraFlags: UInt16 = 0, records: [[UInt8]] = [])
        -> [UInt8]
    {
        header(id: query.id, flags: 0x8180 | extraFlags | rcode, answers: UInt16(records.count)) + query.question
            + records.flatMap { $0 }
    }

    static func ipv4(_ text: String) -> [UInt8] { text.split(separator: ".").compactMap { UInt8($0) } }

    static func txtData(_ strings: [String]) -> [UInt8] {
        strings.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
    }
}
