import Testing

@Suite struct DocumentsPlaceholderTests {}
