// swift-tools-version: 6.0
// courtwatch: watches the IT systems a court or probation site depends on and keeps a tamper-evident
// failure log. No package dependencies by design: C libraries come in through system library targets.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "courtwatch",
    products: [.executable(name: "courtwatch", targets: ["courtwatch"])],
    dependencies: [],
    targets: [
        // C enters through one door each.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLinux"),

        // Domain-free wrappers.
        .target(name: "Curl", dependencies: ["CCurl"], swiftSettings: strict),
        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: strict),
        .target(name: "Crypto", dependencies: ["CCrypto"], swiftSettings: strict),
        .target(name: "Sockets", dependencies: ["CLinux"], swiftSettings: strict),
        .target(name: "Diagnostics", swiftSettings: strict),

        // The pure domain core and the layers above it.
        .target(name: "Monitoring", swiftSettings: strict),
        .target(name: "Configuration", dependencies: ["Monitoring"], swiftSettings: strict),
        .target(name: "Probing", dependencies: ["Monitoring", "Curl", "Sockets", "Diagnostics"], swiftSettings: strict),
        .target(name: "FailureLog", dependencies: ["Monitoring", "SQLite", "Crypto", "Diagnostics"],
                swiftSettings: strict),
        .target(name: "SimulatedSite", dependencies: ["Sockets"], swiftSettings: strict),
        // Shared renderers: our own PDF writer, HTML and CSV.
        .target(name: "Documents", swiftSettings: strict),
        // Business continuity: levels policy, invocation and stand-down, the paper forms pack.
        .target(name: "Continuity", dependencies: ["Monitoring", "Documents"], swiftSettings: strict),
        // Accounting rules and the site and per-person reports.
        .target(name: "Reports", dependencies: ["Monitoring", "Documents"], swiftSettings: strict),
        // Alert channels (webhook, e-mail, exec hook) with retries; every attempt is logged.
        .target(name: "Alerts", dependencies: ["Monitoring", "Curl", "Sockets", "Diagnostics"], swiftSettings: strict),
        // The HTTP/1.1 server on POSIX sockets and its routes.
        .target(name: "Web", dependencies: ["Sockets", "Diagnostics", "Crypto"], swiftSettings: strict),
        .target(
            name: "Daemon",
            dependencies: ["Monitoring", "Configuration", "Probing", "FailureLog", "SimulatedSite", "Sockets",
                           "Diagnostics", "Documents", "Continuity", "Reports", "Alerts", "Web", "Crypto"],
            swiftSettings: strict),
        .executableTarget(name: "courtwatch", dependencies: ["Daemon"], swiftSettings: strict),

        // Tests mirror modules.
        .target(name: "TestSupport", dependencies: ["Sockets", "SimulatedSite"], path: "Tests/TestSupport",
                swiftSettings: strict),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "MonitoringTests", dependencies: ["Monitoring", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration", "Monitoring", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "ProbingTests", dependencies: ["Probing", "Monitoring", "TestSupport", "SimulatedSite"],
                    swiftSettings: strict),
        .testTarget(name: "FailureLogTests", dependencies: ["FailureLog", "Monitoring", "SQLite", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "DaemonTests", dependencies: ["Daemon", "FailureLog", "SQLite", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "ICMPTests", dependencies: ["Probing", "Monitoring", "TestSupport", "Diagnostics"],
                    swiftSettings: strict),
        .testTarget(name: "DNSTests", dependencies: ["Probing", "Monitoring", "TestSupport", "Diagnostics"], swiftSettings: strict),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ContinuityTests", dependencies: ["Continuity", "Monitoring", "Documents", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Monitoring", "Documents", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "AlertsTests", dependencies: ["Alerts", "Monitoring", "TestSupport", "Diagnostics"],
                    swiftSettings: strict),
        .testTarget(name: "WebTests", dependencies: ["Web", "Sockets", "TestSupport", "Diagnostics"], swiftSettings: strict),
    ]
)
