public import SimulatedSite

/// Shorthands for the loopback servers tests need most.
public enum SimulatedSiteServer {
    /// A TCP port that accepts and closes: a healthy gateway.
    public static func healthyTCP() throws -> LoopbackServer {
        try LoopbackServer(mode: .onAccept) { _ in .close }
    }
}
