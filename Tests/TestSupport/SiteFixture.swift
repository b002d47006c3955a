import Foundation

/// Writes a configuration directory for tests: a site.conf and the given probes.
public enum SiteFixture {
    public static let siteConf = """
        [Site]
        ID=test-site
        Name=Test Magistrates' Court
        TimeZone=Europe/London
        BusinessHours=Mon-Fri 08:00-18:00

        """

    /// One `[Probe]` file body with fast timings suited to tests.
    public static func probe(id: String, kind: String = "http", url: String, extra: String = "",
                             interval: String = "200ms", timeout: String = "1s", retry: String = "100ms",
                             failuresToDown: Int = 3, successesToUp: Int = 2) -> String {
        """
        [Probe]
        ID=\(id)
        Name=\(id) check
        Kind=\(kind)
        URL=\(url)
        Interval=\(interval)
        Timeout=\(timeout)
        RetryInterval=\(retry)
        FailuresToDown=\(failuresToDown)
        SuccessesToUp=\(successesToUp)
        \(extra)

        """
    }

    /// A configuration directory inside `directory` holding `probes` (file name → text).
    @discardableResult
    public static func write(in directory: TemporaryDirectory, probes: [String: String], folder: String = "config")
        -> String
    {
        directory.write("\(folder)/site.conf", siteConf)
        for (name, text) in probes { directory.write("\(folder)/\(name)", text) }
        return directory.subpath(folder)
    }
}
