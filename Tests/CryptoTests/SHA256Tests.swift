import Crypto
import Testing

/// Test vectors from NIST FIPS 180-2 / the SHA example values.
@Suite struct SHA256Tests {
    @Test func emptyInputMatchesTheNISTVector() {
        #expect(SHA256.hash("").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func abcMatchesTheNISTVector() {
        #expect(SHA256.hash("abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func twoBlockMessageMatchesTheNISTVector() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hash(message).hex == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func oneMillionAsFedIncrementallyMatchesTheNISTVector() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hexRoundTripsAndRejectsBadDigits() {
        let digest = SHA256.hash("abc")
        #expect(SHA256Digest(hex: digest.hex) == digest)
        #expect(SHA256Digest(hex: "zz") == nil)
        #expect(SHA256Digest(hex: String(repeating: "0", count: 63)) == nil)
        #expect(HexEncoding.decode("0aFf") == [0x0a, 0xff])
    }
}
