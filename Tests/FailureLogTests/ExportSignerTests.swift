import Crypto
import FailureLog
import Foundation
import Testing
import TestSupport

@Suite struct ExportSignerTests {
    @Test func theKeyPairIsCreatedOnceWithAPrivateKeyOnlyTheOwnerCanRead() throws {
        let state = TemporaryDirectory()
        let first = try ExportSigner.loadOrCreate(stateDirectory: state.path)
        let attributes = try FileManager.default.attributesOfItem(atPath: first.privateKeyPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let second = try ExportSigner.loadOrCreate(stateDirectory: state.path)
        #expect(second.publicKey.rawBytes == first.publicKey.rawBytes)
        let published = try String(contentsOfFile: state.path + "/signing-key.pub.pem", encoding: .utf8)
        #expect(try Ed25519PublicKey(pem: published).rawBytes == first.publicKey.rawBytes)
    }

    @Test func aSignedFileVerifiesWithTheStockOpensslCommand() throws {
        let state = TemporaryDirectory()
        let signer = try ExportSigner.loadOrCreate(stateDirectory: state.path)
        let path = state.path + "/export.json"
        try signer.writeSigned(Array("{\"events\":[]}\n".utf8), to: path)
        let command = signer.verificationCommand(for: path)
        #expect(command.hasPrefix("openssl pkeyutl -verify -pubin -inkey "))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")

        try Data("{\"events\":[1]}\n".utf8).write(to: URL(fileURLWithPath: path))
        let tampered = Process()
        tampered.executableURL = URL(fileURLWithPath: "/bin/sh")
        tampered.arguments = ["-c", command + " >/dev/null 2>&1"]
        try tampered.run()
        tampered.waitUntilExit()
        #expect(tampered.terminationStatus != 0)
    }

    @Test func aPrivateKeyOthersCanReadIsRefused() throws {
        let state = TemporaryDirectory()
        let signer = try ExportSigner.loadOrCreate(stateDirectory: state.path)
        chmod(signer.privateKeyPath, 0o644)
        #expect {
            _ = try ExportSigner.load(stateDirectory: state.path)
        } throws: { error in
            "\(error)".contains("readable by others") && "\(error)".contains("chmod 600")
        }
    }
}
