import Monitoring

/// Reads the dates OpenSSL prints for certificates: "Nov 22 02:11:26 2027 GMT" (a single-digit day is
/// padded with a space: "Jan  5 ...").
enum CertificateDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func parse(_ text: String) -> Timestamp? {
        let words = text.split(separator: " ")
        guard words.count == 5, words[4] == "GMT", let monthIndex = months.firstIndex(of: String(words[0])),
              let day = Int(words[1]), let year = Int(words[3]) else { return nil }
        let clock = words[2].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        let pad = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return Timestamp(iso8601: "\(year)-\(pad(monthIndex + 1))-\(pad(day))T\(pad(clock[0])):\(pad(clock[1])):\(pad(clock[2]))Z")
    }
}
