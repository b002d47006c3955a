import FailureLog
import Testing

/// The log's JSON reader: strict JSON, integers only, but a whole number written with a fraction or an
/// exponent is the integer it stands for (JSON Schema counts `4978.0` as an integer; schemathesis sends it).
@Suite struct JSONParserTests {
    @Test(arguments: [
        ("4978", 4978), ("4978.0", 4978), ("4978.000", 4978), ("-12.0", -12), ("1e3", 1000), ("1E+3", 1000),
        ("2.5e1", 25), ("0.0", 0), ("-0", 0), ("9007199254740991.0", 9_007_199_254_740_991),
        ("9223372036854775807", Int64.max),
    ] as [(String, Int64)])
    func wholeNumbersAreIntegers(text: String, expected: Int64) {
        #expect(JSONValue(parsing: #"{"n":\#(text)}"#) == .object(["n": .integer(expected)]), "\(text)")
    }

    @Test(arguments: ["1.5", "4978.01", "1e-3", "1.", ".5", "1e", "1e+", "01", "1.0.0", "9007199254740993.0", "9007199254740992.0", "1e400",
                      "9223372036854775808", "NaN", "Infinity", "--1", "+1"])
    func fractionsAndMalformedNumbersAreRefused(text: String) {
        #expect(JSONValue(parsing: #"{"n":\#(text)}"#) == nil, "\(text)")
    }
}
