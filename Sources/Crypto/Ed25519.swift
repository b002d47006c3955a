import CCrypto

/// What went wrong in libcrypto, with OpenSSL's own error text.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let reason: String

    public var description: String { "\(operation): \(reason)" }

    /// Takes (and clears) the thread's OpenSSL error queue.
    static func fromOpenSSL(_ operation: String) -> CryptoError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return CryptoError(operation: operation,
                           reason: reasons.isEmpty ? "unknown OpenSSL error" : reasons.joined(separator: "; "))
    }
}

/// An Ed25519 private key held by libcrypto. PEM is PKCS#8 ("BEGIN PRIVATE KEY"), the form
/// `openssl genpkey -algorithm ed25519` writes.
public final class Ed25519PrivateKey: @unchecked Sendable {
    // @unchecked: the EVP_PKEY is never mutated after init; OpenSSL allows concurrent signing with it.
    fileprivate let key: OpaquePointer

    /// A fresh key from the system's random source.
    public init() throws(CryptoError) {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else { throw .fromOpenSSL("Ed25519 key generation") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw .fromOpenSSL("Ed25519 key generation")
        }
        self.key = key
    }

    /// A key from its 32 raw seed bytes (RFC 8032's "secret key").
    public init(rawBytes: [UInt8]) throws(CryptoError) {
        guard rawBytes.count == 32 else {
            throw CryptoError(operation: "reading an Ed25519 private key", reason: "expected 32 bytes, got \(rawBytes.count)")
        }
        guard let key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, rawBytes, 32) else {
            throw .fromOpenSSL("reading an Ed25519 private key")
        }
        self.key = key
    }

    /// Reads a PEM private key; anything but Ed25519 is refused.
    public init(pem: String) throws(CryptoError) {
        let key = try withMemoryBIO(pem, operation: "reading an Ed25519 private key") { bio in
            PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 else {
            EVP_PKEY_free(key)
            throw CryptoError(operation: "reading an Ed25519 private key", reason: "the PEM key is not an Ed25519 key")
        }
        self.key = key
    }

    deinit { EVP_PKEY_free(key) }

    public var pem: String {
        get throws(CryptoError) {
            try writeMemoryBIO(operation: "writing an Ed25519 private key") { bio in
                PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil)
            }
        }
    }

    public var publicKey: Ed25519PublicKey {
        get throws(CryptoError) {
            var length = 32
            var raw = [UInt8](repeating: 0, count: length)
            guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1, length == 32 else {
                throw .fromOpenSSL("reading the Ed25519 public key")
            }
            return try Ed25519PublicKey(rawBytes: raw)
        }
    }

    /// The 64-byte signature of `message` (pure Ed25519: the message itself is signed, not a digest).
    public func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw .fromOpenSSL("Ed25519 signing") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1 else { throw .fromOpenSSL("Ed25519 signing") }
        var length = 64
        var signature = [UInt8](repeating: 0, count: length)
        let status = message.withUnsafeBufferPointer {
            EVP_DigestSign(context, &signature, &length, $0.baseAddress, $0.count)
        }
        guard status == 1, length == 64 else { throw .fromOpenSSL("Ed25519 signing") }
        return signature
    }
}

/// An Ed25519 public key. PEM is SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"), what `openssl pkeyutl -verify
/// -pubin -inkey` reads.
public final class Ed25519PublicKey: @unchecked Sendable {
    // @unchecked: immutable after init.
    private let key: OpaquePointer

    public init(rawBytes: [UInt8]) throws(CryptoError) {
        guard rawBytes.count == 32 else {
            throw CryptoError(operation: "reading an Ed25519 public key", reason: "expected 32 bytes, got \(rawBytes.count)")
        }
        guard let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, rawBytes, 32) else {
            throw .fromOpenSSL("reading an Ed25519 public key")
        }
        self.key = key
    }

    public init(pem: String) throws(CryptoError) {
        let key = try withMemoryBIO(pem, operation: "reading an Ed25519 public key") { bio in
            PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        guard EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 else {
            EVP_PKEY_free(key)
            throw CryptoError(operation: "reading an Ed25519 public key", reason: "the PEM key is not an Ed25519 key")
        }
        self.key = key
    }

    deinit { EVP_PKEY_free(key) }

    /// The 32 raw key bytes.
    public var rawBytes: [UInt8] {
        var length = 32
        var raw = [UInt8](repeating: 0, count: length)
        // Cannot fail for a key built by the initialisers above.
        guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1 else { fatalError("Ed25519 public key unreadable") }
        return raw
    }

    public var pem: String {
        get throws(CryptoError) {
            try writeMemoryBIO(operation: "writing an Ed25519 public key") { bio in PEM_write_bio_PUBKEY(bio, key) }
        }
    }

    /// SHA-256 of the raw key, in hex: a short fingerprint to print on reports.
    public var fingerprint: String { SHA256.hash(rawBytes).hex }

    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else {
            ERR_clear_error()
            return false
        }
        let status = message.withUnsafeBufferPointer {
            EVP_DigestVerify(context, signature, signature.count, $0.baseAddress, $0.count)
        }
        ERR_clear_error()
        return status == 1
    }
}

private func withMemoryBIO(_ text: String, operation: String,
                           _ body: (OpaquePointer) -> OpaquePointer?) throws(CryptoError) -> OpaquePointer {
    let bytes = Array(text.utf8)
    let result: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
        guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
        defer { BIO_free(bio) }
        return body(bio)
    }
    guard let result else { throw .fromOpenSSL(operation) }
    return result
}

private func writeMemoryBIO(operation: String, _ body: (OpaquePointer) -> Int32) throws(CryptoError) -> String {
    guard let bio = BIO_new(BIO_s_mem()) else { throw .fromOpenSSL(operation) }
    defer { BIO_free(bio) }
    guard body(bio) == 1 else { throw .fromOpenSSL(operation) }
    var data: UnsafeMutablePointer<CChar>?
    let length = ccrypto_bio_mem_data(bio, &data)
    guard let data, length > 0 else { throw .fromOpenSSL(operation) }
    return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
}
