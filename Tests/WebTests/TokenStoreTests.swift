import Crypto
import Foundation
import Testing
import TestSupport
@testable import Web

@Suite("Tokens")
struct TokenStoreTests {
    @Test func newTokensAre32RandomBytesInBase64URLAndOnlyTheirHashIsStored() throws {
        let first = try TokenMaker.newToken()
        let second = try TokenMaker.newToken()
        #expect(first != second)
        #expect(first.count == 43)
        #expect(first.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        let line = TokenMaker.line(token: first, role: .siteLead, subject: "Jo Bloggs")
        #expect(line == "\(SHA256.hash(first).hex) site-lead Jo Bloggs")
        #expect(!line.contains(first))
    }

    @Test func authenticatesByHashAndReloadsWhenTheFileChanges() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("tokens", "# comment\n\n" + TokenMaker.line(token: "alpha", role: .ops, subject: "ops1") + "\n")
        let store = try TokenStore(path: path)
        #expect(store.authenticate("alpha") == Principal(role: .ops, subject: "ops1"))
        #expect(store.authenticate("alph") == nil)
        #expect(store.authenticate("") == nil)
        directory.write("tokens", TokenMaker.line(token: "beta", role: .staff, subject: "S123 with spaces") + "\n")
        #expect(store.authenticate("beta") == Principal(role: .staff, subject: "S123 with spaces"))
        #expect(store.authenticate("alpha") == nil)
        // A broken edit revokes everything rather than keeping the old set.
        directory.write("tokens", TokenMaker.line(token: "beta", role: .staff, subject: "x") + "\nbroken line\n")
        #expect(store.authenticate("beta") == nil)
    }

    @Test func errorsNameFileAndLine() {
        #expect(throws: TokenStore.Failure.self) { try TokenStore.parse("abc ops x\n", file: "t") }
        do {
            _ = try TokenStore.parse("# ok\n\(String(repeating: "a", count: 64)) boss me\n", file: "/etc/courtwatch/tokens")
            Issue.record("accepted an unknown role")
        } catch {
            #expect(error.description.hasPrefix("/etc/courtwatch/tokens:2: unknown role 'boss'"))
        }
        do {
            _ = try TokenStore.parse("\(String(repeating: "a", count: 64)) ops\n", file: "f")
            Issue.record("accepted a line with no subject")
        } catch {
            #expect(error.description == "f:1: expected 'SHA256-HEX ROLE SUBJECT'")
        }
        #expect(throws: TokenStore.Failure.self) { try TokenStore(path: "/nonexistent/tokens") }
    }

    @Test func theDaemonsStoreReportsABadFileAndAcceptsNothingUntilItIsFixed() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("tokens", "nonsense\n")
        var problems: [String] = []
        let store = TokenStore.failingClosed(path: path) { problems.append($0.description) }
        #expect(problems == ["\(path):1: expected 'SHA256-HEX ROLE SUBJECT'"])
        #expect(store.authenticate("gamma") == nil)
        directory.write("tokens", TokenMaker.line(token: "gamma", role: .manager, subject: "m") + "\n")
        #expect(store.authenticate("gamma") == Principal(role: .manager, subject: "m"))
    }

    @Test func constantTimeComparisonComparesWholeValues() {
        #expect(TokenStore.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!TokenStore.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!TokenStore.constantTimeEqual([9, 2, 3], [1, 2, 3]))
        #expect(!TokenStore.constantTimeEqual([1, 2], [1, 2, 3]))
    }
}
