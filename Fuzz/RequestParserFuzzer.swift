// libFuzzer entry point for the HTTP request parser. Built by `make fuzz` together with the parser's own
// files only (Sources/Web/HTTP), so it needs no package build:
//   swiftc -sanitize=fuzzer,address -parse-as-library -O Sources/Web/HTTP/*.swift Fuzz/RequestParserFuzzer.swift
// Any crash, overflow trap or broken invariant below is a finding.

private let parser = RequestParser(limits: ParserLimits(maximumHeaderBytes: 4096, maximumBodyBytes: 1024,
                                                        maximumHeaderFields: 50))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch parser.parse(bytes) {
    case .incomplete:
        break
    case .failure(let error):
        precondition([400, 411, 413, 431, 505].contains(error.status), "unexpected status \(error.status)")
        precondition(!error.detail.isEmpty, "an error without detail")
        _ = HTTPResponse.error(error).serialized(keepAlive: false, headOnly: false)
    case .request(let request, let consumed):
        precondition(consumed > 0 && consumed <= size, "consumed \(consumed) of \(size)")
        precondition(request.body.count <= 1024, "body over the limit")
        precondition(request.target.first == "/", "target not origin-form")
        // Parsing what remains must also be safe (pipelining).
        _ = parser.parse(Array(bytes[consumed...]))
    }
    return 0
}
