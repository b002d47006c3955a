import Crypto
import Foundation
import Testing
import TestSupport

/// Ed25519 against RFC 8032's test vectors and against the stock `openssl` command, which is how anyone
/// checks a signed export without courtwatch.
@Suite struct Ed25519Tests {
    @Test func rfc8032FirstVectorSignsTheEmptyMessage() throws {
        let key = try Ed25519PrivateKey(rawBytes: HexEncoding.decode(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!)
        #expect(HexEncoding.encode(try key.publicKey.rawBytes)
            == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let signature = try key.signature(for: [])
        #expect(HexEncoding.encode(signature) == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        #expect(try key.publicKey.isValidSignature(signature, for: []))
    }

    @Test func aChangedMessageOrSignatureDoesNotVerify() throws {
        let key = try Ed25519PrivateKey()
        let message = Array("incident 42 resolved".utf8)
        var signature = try key.signature(for: message)
        let publicKey = try key.publicKey
        #expect(publicKey.isValidSignature(signature, for: message))
        #expect(!publicKey.isValidSignature(signature, for: Array("incident 43 resolved".utf8)))
        signature[10] ^= 0x01
        #expect(!publicKey.isValidSignature(signature, for: message))
        #expect(!publicKey.isValidSignature([1, 2, 3], for: message))
    }

    @Test func pemRoundTripsAndOtherKeyTypesAreRefused() throws {
        let key = try Ed25519PrivateKey()
        let pem = try key.pem
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let again = try Ed25519PrivateKey(pem: pem)
        #expect(try again.publicKey.rawBytes == key.publicKey.rawBytes)
        let publicPEM = try key.publicKey.pem
        #expect(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        #expect(try Ed25519PublicKey(pem: publicPEM).rawBytes == key.publicKey.rawBytes)
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(pem: "not a key") }
        #expect(throws: CryptoError.self) { try Ed25519PublicKey(rawBytes: [0, 1]) }
    }

    @Test func theOpensslCommandVerifiesOurSignatureAndWeVerifyItsSignature() throws {
        let directory = TemporaryDirectory()
        let key = try Ed25519PrivateKey()
        let message = Array("seq,at,kind\n1,2026-11-22T09:00:00Z,incident.opened\n".utf8)
        try Data(message).write(to: URL(fileURLWithPath: directory.path + "/export.csv"))
        try Data(key.signature(for: message)).write(to: URL(fileURLWithPath: directory.path + "/export.csv.sig"))
        try key.publicKey.pem.write(toFile: directory.path + "/public.pem", atomically: true, encoding: .utf8)
        let verify = try runOpenSSL(["pkeyutl", "-verify", "-pubin", "-inkey", directory.path + "/public.pem",
                                     "-rawin", "-in", directory.path + "/export.csv",
                                     "-sigfile", directory.path + "/export.csv.sig"])
        #expect(verify.status == 0, "openssl said: \(verify.output)")
        #expect(verify.output.contains("Signature Verified Successfully"))

        // And the other way: a key and signature made by openssl itself.
        _ = try runOpenSSL(["genpkey", "-algorithm", "ed25519", "-out", directory.path + "/theirs.pem"])
        _ = try runOpenSSL(["pkeyutl", "-sign", "-inkey", directory.path + "/theirs.pem", "-rawin",
                            "-in", directory.path + "/export.csv", "-out", directory.path + "/theirs.sig"])
        let theirs = try Ed25519PrivateKey(pem: String(contentsOfFile: directory.path + "/theirs.pem", encoding: .utf8))
        let theirSignature = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.path + "/theirs.sig")))
        #expect(try theirs.publicKey.isValidSignature(theirSignature, for: message))
    }

    private func runOpenSSL(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
