import Monitoring

/// What one resolver's reply (or its silence) means for a `Kind=dns` check. Pure: the run does the I/O.
struct DNSVerdict: Hashable, Sendable {
    /// What the resolver says does not exist, for telling "the name is gone" from "our DNS is broken".
    enum Absence: Hashable, Sendable {
        case nameDoesNotExist
        case noRecords
    }

    /// nil: the resolver answered as the check expects.
    var failure: FailureEvidence?
    /// A few words for a sentence about this resolver: `SERVFAIL`, `timed out after 2s`, `no A records`.
    var summary: String
    var absence: Absence?

    static let answered = DNSVerdict(failure: nil, summary: "answered", absence: nil)

    static func failed(_ failureClass: FailureClass, _ message: String, summary: String, absence: Absence? = nil)
        -> DNSVerdict
    {
        DNSVerdict(failure: FailureEvidence(failureClass: failureClass, message: message), summary: summary,
                   absence: absence)
    }

    /// Judges `response` from `resolver` against `check`: the RCODE, then (for NOERROR) that records of the
    /// asked type came back, then `Expect=`.
    static func judge(_ response: DNSResponse, from resolver: ResolverAddress, check: DNSCheck) -> DNSVerdict {
        let question = "\(check.query) \(check.type.rawValue)"
        let rcode = response.rcode.description
        guard rcode == check.expectRcode else {
            return .failed(.dns, "\(resolver) says \(rcode) for \(question) (expected \(check.expectRcode))",
                           summary: rcode, absence: response.rcode == .nameError ? .nameDoesNotExist : nil)
        }
        guard response.rcode == .noError else { return .answered }
        let typeCode = DNSRecordType.code(for: check.type)
        guard response.answers.contains(where: { $0.type == typeCode }) else {
            let others = response.answers.isEmpty ? "an empty answer"
                : "only " + listed(response.answers.map(\.summary))
            return .failed(.dns, "\(resolver) has no \(check.type.rawValue) records for \(check.query) "
                               + "(NOERROR with \(others))",
                           summary: "no \(check.type.rawValue) records", absence: .noRecords)
        }
        guard let expect = check.expect, !expect.isEmpty else { return .answered }
        if matches(expect, response.answers, type: check.type) { return .answered }
        let relation = IPSocketAddress.bytes(ofLiteral: expect) != nil && (check.type == .a || check.type == .aaaa)
            ? "none is" : "none contains"
        return .failed(.dns, "\(resolver) answers \(question) with \(listed(response.answers.map(\.summary))); "
                           + "\(relation) '\(expect)'",
                       summary: "Expect=\(expect) not in the answer")
    }

    /// For an A/AAAA check and an address in `Expect=`, equal addresses (so `192.0.2.1` does not match
    /// `192.0.2.10`, and `2001:DB8::1` matches `2001:db8:0::1`); otherwise a substring of any answer's text,
    /// ignoring case except in TXT records.
    static func matches(_ expect: String, _ answers: [DNSRecord], type: DNSCheck.RecordType) -> Bool {
        if type == .a || type == .aaaa, let address = IPSocketAddress.bytes(ofLiteral: expect) {
            return answers.contains { record in
                switch record.data {
                case .a(let bytes), .aaaa(let bytes): bytes == address
                default: false
                }
            }
        }
        let trimmed = expect.hasSuffix(".") && expect.count > 1 ? String(expect.dropLast()) : expect
        return answers.contains { record in
            if case .txt = record.data { return record.data.text.contains(expect) }
            return record.data.text.lowercased().contains(trimmed.lowercased())
        }
    }

    /// At most five items, then how many more.
    static func listed(_ items: [String]) -> String {
        let shown = items.prefix(5).joined(separator: ", ")
        return items.count > 5 ? "\(shown) and \(items.count - 5) more" : shown
    }

    /// The site resolver failed with `site`; the reference resolver was asked the same question and gave
    /// `reference`. The message says whose fault it is. The class stays the site resolver's (a timeout stays a
    /// timeout), so the failure vocabulary still describes what the site saw.
    static func compared(site: DNSVerdict, server: ResolverAddress, reference: DNSVerdict,
                         referenceAddress: ResolverAddress, check: DNSCheck) -> FailureEvidence {
        let failureClass = site.failure?.failureClass ?? .dns
        let siteFailed = "site resolver \(server) failed (\(site.summary))"
        let message: String
        if reference.failure == nil {
            message = "\(siteFailed) but reference \(referenceAddress) answers: the site's DNS is broken"
        } else if let absence = reference.absence {
            let gone = absence == .nameDoesNotExist ? "the name is gone" : "the records are gone"
            if site.absence == absence {
                message = absence == .nameDoesNotExist
                    ? "both resolvers say NXDOMAIN: \(gone)"
                    : "both resolvers have no \(check.type.rawValue) records for \(check.query): \(gone)"
            } else {
                message = "\(siteFailed) and reference \(referenceAddress) says \(reference.summary): \(gone)"
            }
        } else {
            message = "\(siteFailed) and reference \(referenceAddress) failed too (\(reference.summary))"
        }
        return FailureEvidence(failureClass: failureClass, message: message)
    }
}
