import Foundation
import Monitoring

extension EventKind {
    /// Paper forms were issued (rendered or packed): {site, forms: [{id, version, count}], incident?, by?}.
    /// Lets back-recording after stand-down check that every issued form came back.
    public static let formsIssued = "forms.issued"
}

/// Appends `forms.issued` to the failure log when the state directory can take it (for `courtwatch forms`
/// and the web surface's /forms/). Never creates a state directory: printing blank stock on a laptop with no
/// courtwatch state must still work.
public enum FormsIssueRecorder {
    public struct IssuedForm: Sendable {
        public var id: String
        public var version: String
        public var count: Int

        public init(id: String, version: String, count: Int) {
            self.id = id
            self.version = version
            self.count = count
        }
    }

    public enum Outcome: Sendable {
        case recorded(seq: Int64)
        case notRecorded(reason: String)
    }

    public static func record(site: String, forms: [IssuedForm], incident: String?, by: String?,
                       stateDirectory: String) -> Outcome {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: stateDirectory, isDirectory: &isDirectory), isDirectory.boolValue
        else { return .notRecorded(reason: "no state directory at \(stateDirectory)") }
        guard access(stateDirectory, W_OK | X_OK) == 0 else {
            return .notRecorded(reason: "\(stateDirectory) is not writable (\(String(cString: strerror(errno))))")
        }
        var payload: [String: JSONValue] = [
            "site": .string(site),
            "forms": .array(forms.map { .object(["id": .string($0.id), "version": .string($0.version),
                                                 "count": .integer(Int64($0.count))]) }),
        ]
        // courtwatch's incident IDs are integers, as in the incident.* events; a paper reference stays text.
        if let incident { payload["incident"] = Int64(incident).map(JSONValue.integer) ?? .string(incident) }
        if let by { payload["by"] = .string(by) }
        do {
            let session = try LogSession(store: FailureLogStore(stateDirectory: stateDirectory))
            defer { session.close() }
            let seq = try session.write { transaction in
                try transaction.append(kind: EventKind.formsIssued, at: .now, payload: .object(payload))
            }
            return .recorded(seq: seq)
        } catch {
            return .notRecorded(reason: "\(stateDirectory): \(error)")
        }
    }

    /// A warning when `incident` looks like a courtwatch incident ID but the failure log has no such incident
    /// (a typo would otherwise be printed on every page). Paper references such as "PAPER-3" pass as given.
    public static func unknownIncidentNote(_ incident: String?, stateDirectory: String) -> String? {
        guard let incident, let id = Int64(incident),
              let reader = try? LogReader(store: FailureLogStore(stateDirectory: stateDirectory))
        else { return nil }
        do {
            guard try reader.incident(id) == nil else { return nil }
        } catch {
            return nil
        }
        return "Note: incident \(id) is not in the failure log at \(stateDirectory); it is printed as given."
    }

    /// One line for the command's output saying whether the issue was logged.
    public static func describe(_ outcome: Outcome, pack: Bool) -> String {
        switch outcome {
        case .recorded(let seq):
            return "Recorded in the failure log as event \(seq) (forms.issued)."
        case .notRecorded(let reason):
            let advice = pack
                ? "That is fine for pre-printing blank stock; record forms when you hand them out during an "
                    + "outage with 'courtwatch forms render ... --state DIR'."
                : "The form was written; give --state DIR to record that it was issued."
            return "Not recorded in the failure log: \(reason). \(advice)"
        }
    }
}
