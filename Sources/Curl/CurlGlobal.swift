import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// libcurl's process-wide initialisation, done once before any handle exists and before threads start.
public enum CurlGlobal {
    private static let initialized: Bool = {
        // Handles use CURLOPT_NOSIGNAL, which leaves SIGPIPE to the application; a peer that hangs up
        // mid-write (or OpenSSL) would otherwise kill the process.
        signal(SIGPIPE, SIG_IGN)
        return curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    /// Initialises libcurl (and the OpenSSL it uses). Safe to call many times.
    public static func initialize() {
        precondition(initialized, "curl_global_init failed")
    }

    /// The libcurl version string, e.g. "libcurl/7.88.1 OpenSSL/3.0.19 ...".
    public static var version: String { String(cString: curl_version()) }
}
