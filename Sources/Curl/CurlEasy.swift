import CCurl

/// Elapsed times of one transfer, each measured from its start, in microseconds (curl's `*_TIME_T`).
public struct CurlTimings: Sendable, Equatable {
    public var nameLookup: Int64
    public var connect: Int64
    public var tlsHandshake: Int64
    public var firstByte: Int64
    public var total: Int64

    public init(nameLookup: Int64 = 0, connect: Int64 = 0, tlsHandshake: Int64 = 0, firstByte: Int64 = 0,
                total: Int64 = 0) {
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
        self.total = total
    }
}

/// One libcurl easy handle. Owns the handle, its error buffer, its header and recipient lists, the bytes it
/// uploads and its response body.
/// Not thread-safe: it lives on the thread that drives its multi handle.
public final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var recipientList: UnsafeMutablePointer<curl_slist>?
    /// What an upload sends (an SMTP message), and how much of it libcurl has taken.
    private var upload: [UInt8] = []
    private var uploadOffset = 0
    /// Strings passed to libcurl are copied by it (since 7.17), so nothing else needs to stay alive.

    /// The response body received so far, up to `bodyLimit` bytes.
    public private(set) var body: [UInt8] = []
    /// The most body bytes kept; a larger response fails the transfer with `CurlError.Category.tooLarge`.
    public private(set) var bodyLimit = 1 << 20
    /// True when the transfer stopped because the body passed `bodyLimit`.
    public private(set) var bodyLimitExceeded = false
    /// When false, body bytes are counted against the limit but not kept.
    public private(set) var keepsBody = true
    private var bodyBytesSeen = 0

    /// Free for the owner: what this transfer is for.
    public var context: Int = 0

    public init() {
        CurlGlobal.initialize()
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed: out of memory") }
        self.handle = handle
        installDefaults()
    }

    deinit {
        curl_easy_cleanup(handle)
        if let headerList { curl_slist_free_all(headerList) }
        if let recipientList { curl_slist_free_all(recipientList) }
    }

    /// Clears every option and the body so the handle can serve another transfer.
    public func reset() {
        curl_easy_reset(handle)
        if let headerList {
            curl_slist_free_all(headerList)
            self.headerList = nil
        }
        if let recipientList {
            curl_slist_free_all(recipientList)
            self.recipientList = nil
        }
        upload = []
        uploadOffset = 0
        body.removeAll(keepingCapacity: body.count <= 64 * 1024)
        bodyLimitExceeded = false
        bodyBytesSeen = 0
        keepsBody = true
        bodyLimit = 1 << 20
        installDefaults()
    }

    private func installDefaults() {
        errorBuffer[0] = 0
        errorBuffer.withUnsafeMutableBufferPointer { buffer in
            _ = ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
        }
        // Signals are not for libraries in a multi-threaded daemon; the daemon ignores SIGPIPE itself.
        _ = ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
        _ = ccurl_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, userdata in
            guard let userdata, let data else { return 0 }
            let easy = Unmanaged<CurlEasy>.fromOpaque(userdata).takeUnretainedValue()
            return easy.receive(UnsafeRawBufferPointer(start: data, count: size * count))
        }
    }

    private func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
        bodyBytesSeen += bytes.count
        if bodyBytesSeen > bodyLimit {
            bodyLimitExceeded = true
            return 0  // makes curl stop with CURLE_WRITE_ERROR
        }
        if keepsBody { body.append(contentsOf: bytes) }
        return bytes.count
    }

    private func send(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, upload.count - uploadOffset)
        guard count > 0 else { return 0 }
        upload.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[uploadOffset..<(uploadOffset + count)]))
        }
        uploadOffset += count
        return count
    }

    private func check(_ code: CURLcode, _ operation: String) throws(CurlSetupError) {
        guard code == CURLE_OK else {
            throw CurlSetupError(operation: operation, message: String(cString: curl_easy_strerror(code)))
        }
    }

    // MARK: Typed options

    public func setURL(_ url: String) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_string(handle, CURLOPT_URL, url), "URL \(url)")
    }

    /// The whole transfer's deadline and the connect phase's (which includes DNS and TLS).
    public func setTimeouts(totalMilliseconds: Int, connectMilliseconds: Int) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, totalMilliseconds)), "TIMEOUT_MS")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, connectMilliseconds)),
                  "CONNECTTIMEOUT_MS")
    }

    /// Which URL schemes may be used, e.g. "http,https"; redirects are limited to `redirectProtocols`.
    public func setProtocols(_ protocols: String, redirectProtocols: String) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, protocols), "PROTOCOLS_STR")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, redirectProtocols),
                  "REDIR_PROTOCOLS_STR")
    }

    public func setFollowRedirects(_ follow: Bool, maximum: Int = 5) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, follow ? 1 : 0), "FOLLOWLOCATION")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_MAXREDIRS, maximum), "MAXREDIRS")
    }

    /// `HEAD` when true.
    public func setNoBody(_ noBody: Bool) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_long(handle, CURLOPT_NOBODY, noBody ? 1 : 0), "NOBODY")
    }

    public func setCustomRequest(_ method: String?) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method), "CUSTOMREQUEST")
    }

    /// Connect (and TLS/STARTTLS where the scheme has it), then stop: a reachability check.
    public func setConnectOnly(_ connectOnly: Bool) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_long(handle, CURLOPT_CONNECT_ONLY, connectOnly ? 1 : 0), "CONNECT_ONLY")
    }

    /// A probe must test a fresh connection each time, and must not leave one open.
    public func setFreshConnection(_ fresh: Bool) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_long(handle, CURLOPT_FRESH_CONNECT, fresh ? 1 : 0), "FRESH_CONNECT")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_FORBID_REUSE, fresh ? 1 : 0), "FORBID_REUSE")
    }

    /// For mail protocols: require TLS (STARTTLS, or fail with `startTLSRefused`) or leave it off.
    public func setRequireTLS(_ require: Bool) throws(CurlSetupError) {
        let level = require ? CURLUSESSL_ALL : CURLUSESSL_NONE
        try check(ccurl_easy_setopt_long(handle, CURLOPT_USE_SSL, Int(level.rawValue)), "USE_SSL")
    }

    public func setVerifyTLS(_ verify: Bool) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, verify ? 1 : 0), "SSL_VERIFYPEER")
        try check(ccurl_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, verify ? 2 : 0), "SSL_VERIFYHOST")
    }

    /// A CA bundle file to trust instead of the system's.
    public func setCertificateAuthorityFile(_ path: String) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_string(handle, CURLOPT_CAINFO, path), "CAINFO")
    }

    /// Basic authentication with these credentials (over TLS only: the caller ensures https).
    public func setBasicAuthentication(username: String, password: String) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_long(handle, CURLOPT_HTTPAUTH, 1), "HTTPAUTH")  // CURLAUTH_BASIC (a cast macro Swift cannot import)
        try check(ccurl_easy_setopt_string(handle, CURLOPT_USERNAME, username), "USERNAME")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_PASSWORD, password), "PASSWORD")
    }

    /// A login for mail protocols (IMAP LOGIN/AUTHENTICATE, SMTP AUTH), done during the connect phase.
    public func setLogin(username: String, password: String) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_string(handle, CURLOPT_USERNAME, username), "USERNAME")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_PASSWORD, password), "PASSWORD")
    }

    /// Collect the server's certificate chain (for expiry dates).
    public func setCollectCertificateInfo(_ collect: Bool) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_long(handle, CURLOPT_CERTINFO, collect ? 1 : 0), "CERTINFO")
    }

    public func setUserAgent(_ userAgent: String) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_string(handle, CURLOPT_USERAGENT, userAgent), "USERAGENT")
    }

    /// Extra request headers, each "Name: value".
    public func setHeaders(_ headers: [String]) throws(CurlSetupError) {
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        for header in headers {
            guard let appended = curl_slist_append(headerList, header) else {
                throw CurlSetupError(operation: "HTTPHEADER", message: "curl_slist_append failed")
            }
            headerList = appended
        }
        try check(ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER")
    }

    /// The SMTP envelope sender, e.g. `<canary@court.example>`.
    public func setMailFrom(_ address: String) throws(CurlSetupError) {
        try check(ccurl_easy_setopt_string(handle, CURLOPT_MAIL_FROM, address), "MAIL_FROM")
    }

    /// The SMTP envelope recipients, each e.g. `<canary@court.example>`.
    public func setMailRecipients(_ addresses: [String]) throws(CurlSetupError) {
        if let recipientList { curl_slist_free_all(recipientList) }
        recipientList = nil
        for address in addresses {
            guard let appended = curl_slist_append(recipientList, address) else {
                throw CurlSetupError(operation: "MAIL_RCPT", message: "curl_slist_append failed")
            }
            recipientList = appended
        }
        try check(ccurl_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipientList), "MAIL_RCPT")
    }

    /// Sends `bytes` as the upload (for SMTP: the message, which libcurl dot-stuffs and terminates).
    /// The handle keeps its own copy until `reset()`.
    public func setUpload(_ bytes: [UInt8]) throws(CurlSetupError) {
        upload = bytes
        uploadOffset = 0
        try check(ccurl_easy_setopt_long(handle, CURLOPT_UPLOAD, 1), "UPLOAD")
        try check(ccurl_easy_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(bytes.count)), "INFILESIZE_LARGE")
        try check(ccurl_easy_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(self).toOpaque()),
                  "READDATA")
        try check(ccurl_easy_setopt_read_callback(handle) { buffer, size, count, userdata in
            guard let userdata, let buffer else { return 0 }
            let easy = Unmanaged<CurlEasy>.fromOpaque(userdata).takeUnretainedValue()
            return easy.send(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
        }, "READFUNCTION")
    }

    /// Caps the response body; `keep: false` counts bytes without storing them.
    public func setBodyLimit(_ bytes: Int, keep: Bool) {
        bodyLimit = bytes
        keepsBody = keep
    }

    // MARK: Results

    /// The error recorded for a transfer that ended with `code`, or nil for success.
    func error(for code: CURLcode) -> CurlError? {
        guard code != CURLE_OK else { return nil }
        let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        if bodyLimitExceeded {
            return CurlError(code: Int32(CURLE_FILESIZE_EXCEEDED.rawValue),
                             detail: "response body larger than \(bodyLimit) bytes")
        }
        return CurlError(code: Int32(code.rawValue), detail: detail)
    }

    /// The last HTTP (or SMTP/IMAP) response code, 0 when none was received.
    public var responseCode: Int {
        var code = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// The "Expire date" of each certificate in the chain, leaf first, as the TLS library printed it
    /// (e.g. "Nov 22 02:11:26 2027 GMT"). Empty unless certificate info was collected.
    public var certificateExpiryTexts: [String] {
        var raw: UnsafeMutableRawPointer?
        guard ccurl_easy_getinfo_pointer(handle, CURLINFO_CERTINFO, &raw) == CURLE_OK, let raw else { return [] }
        let info = raw.assumingMemoryBound(to: curl_certinfo.self).pointee
        guard info.num_of_certs > 0, let chain = info.certinfo else { return [] }
        var dates: [String] = []
        for index in 0..<Int(info.num_of_certs) {
            var item = chain[index]
            while let node = item {
                if let data = node.pointee.data {
                    let text = String(cString: data)
                    // The OpenSSL backend says "Expire date", the generic one "Expire Date".
                    if text.lowercased().hasPrefix("expire date:") {
                        dates.append(String(text.dropFirst("expire date:".count)))
                        break
                    }
                }
                item = node.pointee.next
            }
        }
        return dates
    }

    public var timings: CurlTimings {
        func time(_ info: CURLINFO) -> Int64 {
            var value: curl_off_t = 0
            _ = ccurl_easy_getinfo_off_t(handle, info, &value)
            return Int64(value)
        }
        return CurlTimings(nameLookup: time(CURLINFO_NAMELOOKUP_TIME_T), connect: time(CURLINFO_CONNECT_TIME_T),
                           tlsHandshake: time(CURLINFO_APPCONNECT_TIME_T),
                           firstByte: time(CURLINFO_STARTTRANSFER_TIME_T), total: time(CURLINFO_TOTAL_TIME_T))
    }
}
