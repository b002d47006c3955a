import Testing

@Suite struct AlertsPlaceholderTests {}
