import CCurl

/// A transfer that libcurl reported as failed: the code, curl's name for it, and curl's own detail text.
public struct CurlError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is, in terms a prober can act on.
    public enum Category: String, Sendable {
        case resolve          // the name did not resolve
        case connect          // refused, unreachable, no route
        case timeout          // the operation ran past its deadline
        case tls              // handshake, certificate or verification
        case tooLarge         // the response exceeded the byte limit
        case startTLSRefused  // the server did not offer STARTTLS when it was required
        case loginDenied      // the server refused the credentials
        case protocolError    // the server spoke, but not the protocol we expected
        case receive          // the connection broke while reading or sending
        case aborted          // our own callback stopped the transfer
        case other
    }

    /// The numeric `CURLcode`.
    public let code: Int32
    /// `curl_easy_strerror(code)`.
    public let summary: String
    /// The transfer's error buffer, which names the host, port or certificate problem. May be empty.
    public let detail: String

    public init(code: Int32, detail: String) {
        self.code = code
        self.summary = String(cString: curl_easy_strerror(CURLcode(rawValue: UInt32(code))))
        self.detail = detail
    }

    public var category: Category {
        switch CURLcode(rawValue: UInt32(code)) {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .resolve
        case CURLE_COULDNT_CONNECT: .connect
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED:
            .tls
        case CURLE_FILESIZE_EXCEEDED: .tooLarge
        case CURLE_USE_SSL_FAILED: .startTLSRefused
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR: .loginDenied
        case CURLE_WEIRD_SERVER_REPLY, CURLE_UNSUPPORTED_PROTOCOL, CURLE_HTTP2, CURLE_HTTP2_STREAM,
             CURLE_TOO_MANY_REDIRECTS, CURLE_BAD_CONTENT_ENCODING, CURLE_URL_MALFORMAT:
            .protocolError
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: .receive
        case CURLE_WRITE_ERROR, CURLE_ABORTED_BY_CALLBACK: .aborted
        default: .other
        }
    }

    /// One line for a log or a status table: the detail when curl gave one, its summary otherwise.
    public var description: String {
        detail.isEmpty ? "\(summary) (curl \(code))" : "\(detail) (curl \(code))"
    }
}

/// A `curl_easy_setopt` or `curl_multi_*` call that failed: a programming or build problem, not the network's.
public struct CurlSetupError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let message: String

    public init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "libcurl refused \(operation): \(message)" }
}
