/// A half-open span of time [start, end), in milliseconds since the epoch.
public struct TimeSpan: Hashable, Sendable, CustomStringConvertible {
    public var start: Timestamp
    public var end: Timestamp

    public init(start: Timestamp, end: Timestamp) {
        self.start = start
        self.end = end
    }

    public init(startMilliseconds: Int64, endMilliseconds: Int64) {
        start = Timestamp(millisecondsSinceEpoch: startMilliseconds)
        end = Timestamp(millisecondsSinceEpoch: endMilliseconds)
    }

    public var isEmpty: Bool { end <= start }
    public var milliseconds: Int64 { max(0, end.millisecondsSinceEpoch - start.millisecondsSinceEpoch) }

    /// The part of this span inside `other`, or nil when they do not meet.
    public func clamped(to other: TimeSpan) -> TimeSpan? {
        let clipped = TimeSpan(start: max(start, other.start), end: min(end, other.end))
        return clipped.isEmpty ? nil : clipped
    }

    /// This span with every part inside `holes` cut out, in time order.
    public func subtracting(_ holes: [TimeSpan]) -> [TimeSpan] {
        var pieces = [self]
        for hole in holes where !hole.isEmpty {
            pieces = pieces.flatMap { piece -> [TimeSpan] in
                guard piece.clamped(to: hole) != nil else { return [piece] }
                return [TimeSpan(start: piece.start, end: hole.start), TimeSpan(start: hole.end, end: piece.end)]
                    .filter { !$0.isEmpty }
            }
        }
        return pieces
    }

    /// Sorted, overlapping and touching spans merged.
    public static func union(_ spans: [TimeSpan]) -> [TimeSpan] {
        var merged: [TimeSpan] = []
        for span in spans.filter({ !$0.isEmpty }).sorted(by: { $0.start < $1.start }) {
            if let last = merged.last, span.start <= last.end {
                merged[merged.count - 1].end = max(last.end, span.end)
            } else {
                merged.append(span)
            }
        }
        return merged
    }

    public var description: String { "\(start.iso8601)..\(end.iso8601)" }
}
