import CCurl

/// libcurl's process-wide initialisation, done once before any handle exists and before threads start.
public enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    /// Initialises libcurl (and the OpenSSL it uses). Safe to call many times.
    public static func initialize() {
        precondition(initialized, "curl_global_init failed")
    }

    /// The libcurl version string, e.g. "libcurl/7.88.1 OpenSSL/3.0.19 ...".
    public static var version: String { String(cString: curl_version()) }
}
