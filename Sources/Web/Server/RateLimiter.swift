/// A token bucket per client address: each request spends one token; tokens refill at `rate` per second
/// up to `burst`. Confined to the event-loop thread.
struct RateLimiter {
    private struct Bucket {
        var tokens: Double
        var updated: Int64
    }

    let rate: Double
    let burst: Double
    private var buckets: [String: Bucket] = [:]

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = max(1, burst)
    }

    /// Spends a token for `client` at `now` (monotonic ns): nil when allowed, else seconds until one is due.
    mutating func admit(_ client: String, now: Int64) -> Int? {
        var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
        let elapsed = Double(max(0, now - bucket.updated)) / 1e9
        bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
        bucket.updated = now
        defer {
            buckets[client] = bucket
            if buckets.count > 10_000 { forgetFull(now: now) }
        }
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            return nil
        }
        guard rate > 0 else { return 3600 }
        return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
    }

    /// Seconds until `client` may spend a token at `now`, or nil when it may now; spends nothing.
    func wait(_ client: String, now: Int64) -> Int? {
        guard let bucket = buckets[client] else { return nil }
        let tokens = min(burst, bucket.tokens + Double(max(0, now - bucket.updated)) / 1e9 * rate)
        if tokens >= 1 { return nil }
        guard rate > 0 else { return 3600 }
        return max(1, Int(((1 - tokens) / rate).rounded(.up)))
    }

    /// Drops buckets that would be full by now, so a scan of many addresses cannot grow memory without bound.
    private mutating func forgetFull(now: Int64) {
        buckets = buckets.filter { _, bucket in
            bucket.tokens + Double(max(0, now - bucket.updated)) / 1e9 * rate < burst
        }
    }
}
