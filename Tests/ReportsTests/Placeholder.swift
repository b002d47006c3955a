import Testing

@Suite struct ReportsPlaceholderTests {}
