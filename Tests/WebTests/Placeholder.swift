import Testing

@Suite struct WebPlaceholderTests {}
