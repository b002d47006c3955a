import Testing

@Suite struct ContinuityPlaceholderTests {}
