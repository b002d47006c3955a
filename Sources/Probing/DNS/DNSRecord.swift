import Monitoring

/// The RCODE of a reply (the 4 header bits; courtwatch sends no EDNS, so there are no extended codes).
struct DNSResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    var rawValue: UInt8

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    static let noError = DNSResponseCode(rawValue: 0)
    static let formatError = DNSResponseCode(rawValue: 1)
    static let serverFailure = DNSResponseCode(rawValue: 2)
    static let nameError = DNSResponseCode(rawValue: 3)
    static let notImplemented = DNSResponseCode(rawValue: 4)
    static let refused = DNSResponseCode(rawValue: 5)

    private static let names = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
                                "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"]

    /// The mnemonic from RFC 1035 / 2136 (`NXDOMAIN`), or `RCODE12` for the unnamed ones.
    var description: String {
        Int(rawValue) < Self.names.count ? Self.names[Int(rawValue)] : "RCODE\(rawValue)"
    }
}

/// Record type numbers on the wire.
enum DNSRecordType {
    static let a: UInt16 = 1
    static let ns: UInt16 = 2
    static let cname: UInt16 = 5
    static let mx: UInt16 = 15
    static let txt: UInt16 = 16
    static let aaaa: UInt16 = 28
    static let classInternet: UInt16 = 1

    static func code(for type: DNSCheck.RecordType) -> UInt16 {
        switch type {
        case .a: a
        case .aaaa: aaaa
        case .mx: mx
        case .txt: txt
        case .ns: ns
        case .cname: cname
        }
    }

    /// `A`, `MX`, or `TYPE65` for types courtwatch does not decode.
    static func name(of code: UInt16) -> String {
        DNSCheck.RecordType.allCases.first { Self.code(for: $0) == code }?.rawValue ?? "TYPE\(code)"
    }
}

/// The decoded RDATA of one answer.
enum DNSRecordData: Hashable, Sendable {
    /// Four address bytes.
    case a([UInt8])
    /// Sixteen address bytes.
    case aaaa([UInt8])
    case mx(preference: UInt16, exchange: String)
    /// The character-strings, each as raw bytes.
    case txt([[UInt8]])
    case ns(String)
    case cname(String)
    /// A type courtwatch does not decode, skipped by its RDLENGTH.
    case other(type: UInt16, length: Int)

    /// The text an `Expect=` is matched against: an address, `10 mail.example.org`, a host name, or the
    /// TXT strings joined (long TXT values such as SPF or DKIM are split into 255-byte strings).
    var text: String {
        switch self {
        case .a(let bytes): bytes.map(String.init).joined(separator: ".")
        case .aaaa(let bytes): DNSAddressText.ipv6(bytes)
        case let .mx(preference, exchange): "\(preference) \(exchange)"
        case .txt(let strings): strings.map { String(decoding: $0, as: UTF8.self) }.joined()
        case .ns(let name), .cname(let name): name
        case .other(_, let length): "(\(length) bytes)"
        }
    }
}

/// One answer record.
struct DNSRecord: Hashable, Sendable {
    var name: String
    var type: UInt16
    var recordClass: UInt16
    var ttl: UInt32
    var data: DNSRecordData

    /// How the record is shown in a failure message: `CNAME cdn.example.net`, `A 192.0.2.1`, `TXT "v=spf1 ..."`.
    var summary: String {
        if case .txt = data { return "TXT \"\(data.text)\"" }
        return "\(DNSRecordType.name(of: type)) \(data.text)"
    }
}

/// Address bytes as text, without the C library (the codec does no I/O and needs no libc).
enum DNSAddressText {
    /// RFC 5952 form: lower-case hex, no leading zeros, the longest run of two or more zero groups as `::`.
    static func ipv6(_ bytes: [UInt8]) -> String {
        guard bytes.count == 16 else { return bytes.map { String($0, radix: 16) }.joined(separator: ":") }
        let groups = (0..<8).map { UInt16(bytes[$0 * 2]) << 8 | UInt16(bytes[$0 * 2 + 1]) }
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < 8 && groups[index] == 0 { index += 1 }
            if index - start > bestLength {
                bestStart = start
                bestLength = index - start
            }
        }
        let text = { (range: Range<Int>) in range.map { String(groups[$0], radix: 16) }.joined(separator: ":") }
        guard bestLength >= 2 else { return text(0..<8) }
        return text(0..<bestStart) + "::" + text((bestStart + bestLength)..<8)
    }
}
