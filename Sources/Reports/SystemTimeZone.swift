import Foundation
public import Monitoring

/// A zone from the system time-zone database (tzdata), through Foundation: offsets and the instants they
/// change. The working-time arithmetic only asks these two questions.
public struct SystemTimeZone: ZoneOffsets {
    public let identifier: String
    private let zone: TimeZone

    /// Nil when the name is not in the system's database.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
    }

    public func offsetMilliseconds(at instant: Timestamp) -> Int64 {
        Int64(zone.secondsFromGMT(for: Self.date(instant))) * 1000
    }

    public func nextTransition(after instant: Timestamp) -> Timestamp? {
        guard let next = zone.nextDaylightSavingTimeTransition(after: Self.date(instant)) else { return nil }
        return Timestamp(millisecondsSinceEpoch: Int64((next.timeIntervalSince1970 * 1000).rounded()))
    }

    private static func date(_ instant: Timestamp) -> Date {
        Date(timeIntervalSince1970: Double(instant.millisecondsSinceEpoch) / 1000)
    }
}
