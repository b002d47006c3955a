import Testing
import TestSupport
@testable import Web

@Suite("Form body parser")
struct FormBodyTests {
    private func parse(_ text: String) throws -> FormBody { try FormBody.parse(Array(text.utf8)) }

    private func failure(_ bytes: [UInt8], maximumFields: Int = 200) -> String? {
        do {
            _ = try FormBody.parse(bytes, maximumFields: maximumFields)
            return nil
        } catch {
            return error.detail
        }
    }

    @Test func decodesPlusAsSpaceAndPercentEscapes() throws {
        let form = try parse("name=Ann+O%27Neil&note=caf%C3%A9%20%26%20bar%3D1&empty=&bare")
        #expect(form.value("name") == "Ann O'Neil")
        #expect(form.value("note") == "café & bar=1")
        #expect(form.value("empty") == "")
        #expect(form.value("bare") == "")
        #expect(form.value("missing") == nil)
        #expect(form.names == ["name", "note", "empty", "bare"])
    }

    @Test func keepsRepeatedNamesInOrderAndSkipsEmptyPairs() throws {
        let form = try parse("&system=dcs&&system=cp&system=wifi&")
        #expect(form.values("system") == ["dcs", "cp", "wifi"])
        #expect(form.value("system") == "dcs")
        #expect(form.fields.count == 3)
        #expect(try parse("").fields.isEmpty)
    }

    @Test func aValueMayContainEqualsAndNamesAreDecodedToo() throws {
        let form = try parse("a%5B%5D=x=y&t=%2B")
        #expect(form.value("a[]") == "x=y")
        #expect(form.value("t") == "+")
    }

    @Test func textareaLineEndsBecomeNewlines() throws {
        #expect(try parse("note=one%0D%0Atwo%0Dthree%0Afour").value("note") == "one\ntwo\nthree\nfour")
    }

    @Test func malformedEscapesAreRefusedNamingTheField() {
        #expect(failure(Array("note=50%".utf8)) == "field 'note' has a malformed %-escape (expected % and two hex digits)")
        #expect(failure(Array("note=%4".utf8))?.contains("malformed %-escape") == true)
        #expect(failure(Array("note=%G1".utf8))?.contains("field 'note'") == true)
        #expect(failure(Array("n%zz=1".utf8)) == "a field name has a malformed %-escape (expected % and two hex digits)")
    }

    @Test func invalidUTF8IsRefusedWhetherEscapedOrRaw() {
        #expect(failure(Array("note=%FF%FE".utf8)) == "field 'note' is not valid UTF-8")
        #expect(failure(Array("note=".utf8) + [0xC3]) == "field 'note' is not valid UTF-8")
        #expect(failure(Array("%C3=1".utf8)) == "a field name is not valid UTF-8")
    }

    @Test func limitsAreEnforced() {
        let many = (0..<6).map { "f\($0)=1" }.joined(separator: "&")
        #expect(failure(Array(many.utf8), maximumFields: 5) == "the form has more than 5 fields")
        #expect((try? FormBody.parse(Array(many.utf8), maximumFields: 6))?.fields.count == 6)
        #expect(failure(Array("=value".utf8)) == "the form has a field with no name")
        #expect(failure(Array((String(repeating: "n", count: 101) + "=1").utf8))
                == "the form has a field name longer than 100 bytes")
    }

    @Test func randomBytesNeverCrashAndEitherParseOrSayWhy() {
        var random = SplitMix64(state: 7)
        for _ in 0..<2000 {
            let length = Int(random.next() % 40)
            let alphabet = Array("ab=&%+2F0cC3xyz\r".utf8) + [0xFF, 0xC3, 0xA9]
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            do {
                let form = try FormBody.parse(bytes)
                #expect(form.fields.allSatisfy { !$0.name.isEmpty && !$0.value.contains("\r") })
            } catch {
                #expect(!error.detail.isEmpty)
            }
        }
    }
}
