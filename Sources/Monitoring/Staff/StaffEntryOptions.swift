/// The details each kind of staff entry takes, named as `courtwatch staff log`'s options (`could-not`,
/// `agreed-in-writing`): one table for the command's checks and the staff page's form. `note` and
/// `reference` go with any kind.
public enum StaffEntryOptions {
    /// Free text, screened for case data.
    public static let freeText = ["could-not", "note", "target", "reference"]
    /// Options with a fixed set of values.
    public static let choices: [String: [String]] = [
        "claim": ["toil", "flexi", "none"], "what": ["phone", "data", "mileage", "printing", "other"],
        "agreed-in-writing": ["yes", "no"], "status": ["at-risk", "missed"],
        "informed": ["duty-manager", "safety-rep", "manager", "none"], "meeting-requested": ["yes", "no"],
        "how": ["email", "phone", "in-person", "supervision", "message"],
    ]
    public static let required: [StaffEntry.Kind: [String]] = [
        .timeLost: ["minutes"], .extraHours: ["until"], .cost: ["amount"], .deadline: ["status"],
        .healthAndSafety: ["note"], .managerNotified: ["how"], .helpdeskTicket: ["reference"],
    ]
    /// The options of each kind besides `note` and `reference`.
    public static let allowed: [StaffEntry.Kind: Set<String>] = [
        .timeLost: ["minutes", "could-not"], .extraHours: ["until", "claim"],
        .cost: ["amount", "what", "agreed-in-writing"], .deadline: ["status", "target"],
        .healthAndSafety: ["informed", "meeting-requested"], .managerNotified: ["how"], .helpdeskTicket: [],
    ]
}
