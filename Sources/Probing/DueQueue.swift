/// A min-heap of probes by due time (monotonic nanoseconds). Ties keep insertion order stable enough for
/// probing; nothing depends on the order of equal due times.
struct DueQueue {
    private var heap: [(due: Int64, probe: Int)] = []

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    var nextDue: Int64? { heap.first?.due }

    mutating func insert(probe: Int, due: Int64) {
        heap.append((due, probe))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest probe if it is due at `now`.
    mutating func popDue(now: Int64) -> (due: Int64, probe: Int)? {
        guard let first = heap.first, first.due <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].due < heap[smallest].due { smallest = left }
                if right < heap.count && heap[right].due < heap[smallest].due { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}

/// Spreads probes over their interval so that 10,000 probes with the same interval do not all fire at once.
/// The offset is derived from the probe ID, so it is the same on every start.
enum Phase {
    static func offset(for id: String, interval: Duration) -> Duration {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let span = UInt64(max(1, interval.milliseconds))
        return .milliseconds(Int64(hash % span))
    }
}
