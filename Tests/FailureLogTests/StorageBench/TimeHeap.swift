/// A min-heap of (time, probe index) for the benchmark's event loop. Entries are never removed early:
/// the loop skips those that no longer match the probe's current schedule.
struct TimeHeap {
    private var items: [(time: Int64, index: Int)] = []

    var peek: (time: Int64, index: Int)? { items.first }

    private static func less(_ a: (time: Int64, index: Int), _ b: (time: Int64, index: Int)) -> Bool {
        a.time != b.time ? a.time < b.time : a.index < b.index
    }

    mutating func push(_ time: Int64, _ index: Int) {
        items.append((time, index))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func pop() -> (time: Int64, index: Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { break }
            let right = left + 1
            let smaller = right < items.count && Self.less(items[right], items[left]) ? right : left
            guard Self.less(items[smaller], items[parent]) else { break }
            items.swapAt(smaller, parent)
            parent = smaller
        }
        return top
    }
}
