import CCurl

extension CurlEasy {
    /// Sends `bytes` as a POST body (libcurl keeps its own copy).
    public func setPostBody(_ bytes: [UInt8]) throws(CurlSetupError) {
        let sizeCode = ccurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
        guard sizeCode == CURLE_OK else {
            throw CurlSetupError(operation: "POSTFIELDSIZE_LARGE",
                                 message: String(cString: curl_easy_strerror(sizeCode)))
        }
        let code = bytes.withUnsafeBytes { buffer in
            // COPYPOSTFIELDS copies POSTFIELDSIZE bytes now, so the buffer need not outlive this call.
            ccurl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS,
                                      UnsafeMutableRawPointer(mutating: buffer.baseAddress))
        }
        guard code == CURLE_OK else {
            throw CurlSetupError(operation: "COPYPOSTFIELDS", message: String(cString: curl_easy_strerror(code)))
        }
    }

    /// Runs the transfer on the calling thread until it finishes or its timeout passes; nil when it succeeded.
    /// For the few transfers that are not probes (alert delivery), on a thread of their own.
    public func perform() -> CurlError? {
        error(for: curl_easy_perform(handle))
    }
}
