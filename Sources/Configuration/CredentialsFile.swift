import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import Monitoring

/// A credentials file named by `CredentialsFile=`: a `[Credentials]` section with `Username=` and
/// `Password=`, readable by courtwatch alone. Secrets never sit in a `.probe` file, and never reach the log.
enum CredentialsFile {
    struct Failure: Error {
        var message: String
    }

    static func read(_ path: String, relativeTo probeFile: String) throws(Failure) -> Credentials {
        let full: String
        if path.hasPrefix("/") {
            full = path
        } else {
            let folder = probeFile.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            full = folder.isEmpty ? path : folder + "/" + path
        }
        var info = stat()
        guard stat(full, &info) == 0 else {
            throw Failure(message: "cannot be read (\(String(cString: strerror(errno))))")
        }
        if info.st_mode & 0o007 != 0 {
            throw Failure(message: "\(full) can be read by every user; make it private with chmod 600")
        }
        guard let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8) else {
            throw Failure(message: "\(full) cannot be read as UTF-8 text")
        }
        var errors: [ConfigurationError] = []
        let keyFile = KeyFile(path: full, text: text, errors: &errors)
        guard errors.isEmpty, keyFile.sections.count == 1, let section = keyFile.sections.first,
              section.name == "Credentials" else {
            throw Failure(message: "\(full) must hold one [Credentials] section with Username= and Password=")
        }
        var reader = SectionReader(file: full, section: section, knownKeys: ["Username", "Password"])
        let username = reader.string("Username", required: true)
        let password = reader.string("Password", required: true)
        guard reader.errors.isEmpty, let username, let password else {
            // Name the problem without echoing the file's contents.
            throw Failure(message: reader.errors.map(\.description).joined(separator: "; "))
        }
        return Credentials(username: username, password: password, file: full)
    }
}
