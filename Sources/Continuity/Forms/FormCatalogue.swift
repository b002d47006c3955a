/// Every form of the paper continuity pack (issue #5), with the fields of domain-notes §2.1–2.10.
/// Plain English, tick boxes where the answers are known. Bump a form's version when its fields change:
/// the version is printed on every page and recorded when forms are issued, so back-recording knows
/// which layout a completed sheet used.
public enum FormCatalogue {
    public static let all: [FormDefinition] = [
        courtRegister, bailRemand, warrantCustody, electronicMonitoring, advocateAttendance, dailyList,
        partnerNotifications, jurorAttendance, probationContact, receptionSignIn, itFailureLog, siteContacts,
    ]

    /// A form by its name ("em-notification") or ID ("CW-F04"), ignoring case.
    public static func form(named name: String) -> FormDefinition? {
        all.first { $0.name.lowercased() == name.lowercased() || $0.id.lowercased() == name.lowercased() }
    }

    private static let yesNo = ["Yes", "No"]

    // §2.1 — Crim PR 5.4(1) lists what must be recorded for each case.
    static let courtRegister = FormDefinition(
        id: "CW-F01", name: "court-register", version: "1.0",
        title: "Manual court register and record of proceedings",
        purpose: "Use one sheet for each defendant while the case management system cannot be used. "
            + "Record every charge, plea, decision and order so it can be entered later.",
        backRecordSystem: "Common Platform",
        sections: [
            FormSection("Hearing", [
                .choice("Session", options: ["Morning", "Afternoon"]),
                .text("Judge, magistrates or bench"),
                .text("Legal adviser or clerk"),
                .text("List number"),
                .text("Case number, URN or T number"),
            ]),
            FormSection("Defendant", [
                .text("Surname"),
                .text("Forenames"),
                .date("Date of birth"),
                .text("Address", lines: 2),
                .choice("Custody status", options: ["Bail", "Custody", "Summons"]),
            ]),
            FormSection("Parties present", [
                .text("Prosecutor"),
                .text("Defence representative"),
                .choice("Legal aid granted?", options: yesNo + ["Not known"]),
                .text("Interpreter language", hint: "Leave blank if no interpreter"),
                .choice("Appearance by video link?", options: yesNo),
                .text("Video link type", hint: "For example, prison video link or police station"),
            ]),
            FormSection("Charges, pleas and outcomes", [
                .table("Charges", columns: [
                    FormColumn("Number", weight: 0.6), FormColumn("Charge wording or code", weight: 3),
                    FormColumn("Plea", weight: 1.4, tickBoxes: ["Guilty", "Not guilty"]),
                    FormColumn("Outcome", weight: 2),
                ], rows: 6),
                .text("Orders and requirements", lines: 3),
                .choice("Electronic monitoring requirement?", options: ["Yes — complete form CW-F04", "No"]),
                .choice("Bail decision made?", options: ["Yes — complete form CW-F02", "No"]),
                .text("Power used when committing or adjourning to another court"),
                .text("Reasons the court must record", lines: 3),
                .text("Costs, compensation and surcharge"),
                .text("Appeal", hint: "Leave blank if none"),
            ]),
            FormSection("Next hearing", [
                .date("Date of next hearing"),
                .time("Time of next hearing"),
                .text("Court and courtroom"),
                .text("Reason"),
            ]),
            FormSection("Court officer", [
                .text("Name of court officer"),
                .text("Signature"),
                .time("Time written"),
            ]),
        ])

    // §2.2 — Crim PR 14.4: notes of representations and reasons, and who must be served.
    static let bailRemand = FormDefinition(
        id: "CW-F02", name: "bail-remand", version: "1.0",
        title: "Bail and remand decision record",
        purpose: "Record a bail or remand decision and show that every notice was sent. "
            + "Nobody may be released or held on this decision until the distribution checklist is done.",
        backRecordSystem: "Common Platform",
        sections: [
            FormSection("Case", [
                .text("Case number, URN or T number"),
                .text("Defendant name"),
                .date("Date of birth"),
            ]),
            FormSection("Decision", [
                .choice("Decision", options: ["Bail", "Remand in custody", "Remand to local authority accommodation"]),
                .text("Exceptions relied on", lines: 2),
                .text("Reasons", lines: 3),
                .text("Summary of representations", lines: 3),
                .choice("Certificate of full argument issued?", options: yesNo),
            ]),
            FormSection("Conditions", [
                .choice("Conditions imposed", options: [
                    "Residence", "Curfew", "Electronic monitoring", "Reporting", "Non-contact", "Exclusion",
                    "Surety or security",
                ], multiple: true),
                .text("Residence address", lines: 2),
                .time("Curfew starts"),
                .time("Curfew ends"),
                .choice("Electronic monitoring?", options: ["Yes — complete form CW-F04", "No"]),
                .text("Reporting, non-contact and exclusion details", lines: 2),
                .text("Surety or security: name, address and amount", lines: 2),
            ]),
            FormSection("Surrender", [
                .date("Surrender date"),
                .time("Surrender time"),
                .text("Court to surrender to"),
            ]),
            FormSection("Distribution checklist", [
                .table("Notices sent", columns: [
                    FormColumn("Send to", weight: 1.6), FormColumn("Required?", weight: 1.3, tickBoxes: yesNo),
                    FormColumn("Method", weight: 1.3), FormColumn("Time sent", weight: 1),
                    FormColumn("Acknowledged?", weight: 1.5, tickBoxes: yesNo),
                ], rows: 7, rowLabels: [
                    "Defendant", "Prosecutor", "Surety", "Custodian", "Other court", "EM supplier", "Probation",
                ]),
            ]),
            FormSection("Court officer", [.text("Name and signature"), .time("Time")]),
        ])

    // §2.3 — the paper fallback when the feed to prisons and escort is down. Does not replace the dPER.
    static let warrantCustody = FormDefinition(
        id: "CW-F03", name: "warrant-custody-handover", version: "1.0",
        title: "Paper warrant and custody handover",
        purpose: "Use when the warrant cannot reach the prison or escort electronically. "
            + "This form does not replace the escort supplier's person escort record.",
        backRecordSystem: "Common Platform",
        sections: [
            FormSection("Warrant", [
                .choice("Type of warrant", options: ["Remand in custody", "Committal", "Sentence"]),
                .text("Offences", lines: 3),
            ]),
            FormSection("Defendant", [
                .text("Full name"),
                .date("Date of birth"),
                .text("PNC ID"),
                .text("Prison number", hint: "If known"),
            ]),
            FormSection("Remand and next appearance", [
                .text("Remand period"),
                .date("Next appearance date"),
                .time("Next appearance time"),
                .text("Court for next appearance"),
                .choice("Next appearance by video link from prison?", options: yesNo),
            ]),
            FormSection("Sentence", [
                .text("Length and type of sentence"),
                .choice("Concurrent or consecutive", options: ["Concurrent", "Consecutive", "Not applicable"]),
                .text("Days on remand or on tagged bail to count"),
                .text("Receiving establishment"),
                .text("Known risks or warnings", lines: 3),
            ]),
            FormSection("Issued by", [
                .text("Judge or justice: printed name and signature"),
                .text("Legal adviser or clerk: printed name and signature"),
                .time("Time issued"),
            ]),
            FormSection("Handed to escort", [
                .text("Escort officer name"),
                .text("Escort company"),
                .time("Time handed over"),
            ]),
        ])

    // §2.4 — fields of the HMPPS "Create an EM order" data model, plus the transmission log that answers
    // the NAO finding that notifications were silently not sent.
    static let electronicMonitoring = FormDefinition(
        id: "CW-F04", name: "em-notification", version: "1.0",
        title: "Electronic monitoring order notification and transmission log",
        purpose: "Use when an order with electronic monitoring cannot be sent through the usual service. "
            + "The order is not notified until the supplier gives an acknowledgement reference.",
        backRecordSystem: "Create an EM order (CEMO)",
        sections: [
            FormSection("Notifying organisation", [
                .choice("Organisation type", options: [
                    "Crown Court", "Magistrates' court", "Family court", "Civil or county court", "Military court",
                    "Prison", "Probation", "Home Office",
                ]),
                .text("Organisation name"),
                .text("Organisation email"),
            ]),
            FormSection("Responsible officer and organisation", [
                .text("Responsible officer: first and last name"),
                .text("Responsible officer: phone and email"),
                .text("Responsible organisation and region"),
                .text("Responsible organisation email"),
            ]),
            FormSection("Device wearer", [
                .text("First name"),
                .text("Last name"),
                .text("Alias", hint: "Leave blank if none"),
                .date("Date of birth"),
                .choice("Adult at time of installation?", options: yesNo),
                .text("Sex and gender"),
                .text("Disabilities", hint: "List any the wearer has told the court about"),
                .text("Language"),
                .choice("Interpreter required?", options: yesNo),
                .choice("No fixed abode?", options: yesNo),
                .text("PNC ID, NOMIS ID, nDelius ID, prison number or Home Office reference", lines: 2),
                .text("Contact phone"),
                .text("Responsible adult (for young people)", hint: "Name and phone"),
            ]),
            FormSection("Addresses for monitoring", [
                .text("Primary address", lines: 2),
                .text("Secondary address", lines: 2),
                .text("Tertiary address", lines: 2),
            ]),
            FormSection("Monitoring conditions", [
                .date("Start date"),
                .time("Start time"),
                .date("End date"),
                .time("End time"),
                .choice("Order type", options: [
                    "Bail", "Community", "Post release", "Pre-trial", "Civil", "Immigration", "Special",
                ]),
                .text("Sentence type",
                      hint: "For example, standard determinate sentence or community suspended sentence"),
                .choice("Requirements", options: ["Curfew", "Exclusion zone", "Trail", "Mandatory attendance",
                                                  "Alcohol"], multiple: true),
                .choice("ISSP?", options: yesNo + ["Not known"]),
                .choice("HDC?", options: yesNo + ["Not known"]),
                .choice("PRARR?", options: yesNo + ["Not known"]),
            ]),
            FormSection("Curfew", [
                .date("Curfew start date"),
                .date("Curfew end date"),
                .text("Curfew address", lines: 2),
                .table("Curfew timetable", columns: [
                    FormColumn("Day of week", weight: 1.4), FormColumn("Start time (hh:mm)"),
                    FormColumn("End time (hh:mm)"), FormColumn("Address", weight: 2.4),
                ], rows: 7),
                .text("Additional curfew details", lines: 2),
            ]),
            FormSection("Exclusion and inclusion zones", [
                .table("Zones", columns: [
                    FormColumn("Type", weight: 1.3, tickBoxes: ["Exclusion", "Inclusion"]), FormColumn("Name"),
                    FormColumn("Description", weight: 2), FormColumn("Start and end"), FormColumn("Duration"),
                ], rows: 3),
                .choice("Map attached?", options: yesNo),
            ]),
            FormSection("Installation and risk", [
                .text("Offence and extra details", lines: 2),
                .text("Possible risks and risk categories", lines: 2),
                .text("Risk details", lines: 2),
                .text("MAPPA level and case type"),
                .text("Installation appointment and location", lines: 2),
                .choice("Attached", options: ["Copy of the order or licence", "Map", "Photo"], multiple: true),
            ]),
            FormSection("Transmission log", [
                .statement("Record every attempt to send this notification. It is not complete until the "
                    + "supplier has given an acknowledgement reference. Chase the supplier if there is no "
                    + "acknowledgement by the chase-by time."),
                .table("Attempts to send", columns: [
                    FormColumn("Sent by", weight: 1.3),
                    FormColumn("Method", weight: 1.6, tickBoxes: ["Secure email", "Phone", "Other"]),
                    FormColumn("Recipient", weight: 1.3), FormColumn("Date and time sent", weight: 1.3),
                    FormColumn("Supplier acknowledgement reference", weight: 1.6),
                    FormColumn("Chase-by time", weight: 1),
                ], rows: 4),
                .text("Confirmed in the system after stand-down by"),
                .date("Confirmed on"),
                .time("Confirmed at"),
            ]),
        ])

    // §2.5 — CBA advice and LAA attendance-note fields, so advocates can still claim their fees.
    static let advocateAttendance = FormDefinition(
        id: "CW-F05", name: "advocate-attendance", version: "1.0",
        title: "Advocate attendance record",
        purpose: "Use when advocates cannot sign in electronically. The clerk or judge signs it and a copy "
            + "goes to the advocate for their legal aid fee claim.",
        backRecordSystem: "Common Platform",
        sections: [
            FormSection("Case", [
                .text("Case number, T number or URN"),
                .text("Defendant names", lines: 2),
            ]),
            FormSection("Advocate", [
                .text("Advocate name"),
                .choice("Role", options: ["Prosecution", "Defence"]),
                .choice("Seniority", options: ["Leader", "Junior", "Sole advocate"]),
                .text("Instructing firm"),
            ]),
            FormSection("Hearing", [
                .choice("Nature of hearing", options: [
                    "Plea and trial preparation", "Trial", "Sentence", "Mention", "Bail application",
                    "Breach of bail", "Other",
                ]),
                .text("Trial day number or other hearing type", hint: "For example, trial day 3"),
                .time("Time in"),
                .time("Time out"),
            ]),
            FormSection("Statement", [
                .statement("Xhibit and Common Platform attendance sign-in was unavailable because of an IT "
                    + "failure (incident reference {incident}). This record confirms the advocate attended."),
                .text("Clerk or judge: printed name"),
                .text("Signature"),
                .time("Time signed"),
                .choice("Copy given to the advocate?", options: yesNo),
            ]),
        ])

    // §2.6 — the public list's fields plus internal columns; always blank (no cached case data).
    static let dailyList = FormDefinition(
        id: "CW-F06", name: "daily-list", version: "1.0",
        title: "Daily court list",
        purpose: "A blank list of the day's cases for one courtroom, written up from the listing office's "
            + "papers. Custody: B for bail, C for custody, S for summons.",
        backRecordSystem: "Common Platform", landscape: true,
        sections: [
            FormSection("Cases", [
                .table("Cases listed", columns: [
                    FormColumn("Time listed"), FormColumn("Case number or URN", weight: 1.6),
                    FormColumn("Defendant full name", weight: 2), FormColumn("Prosecutor", weight: 1.3),
                    FormColumn("Custody", weight: 1.9, tickBoxes: ["B", "C", "S"]),
                    FormColumn("Interpreter (language)", weight: 1.4),
                    FormColumn("Video link", weight: 1.2, tickBoxes: yesNo),
                    FormColumn("Represented by", weight: 1.4),
                    FormColumn("Status", weight: 1.8, tickBoxes: ["Called", "Adjourned", "Dealt with"]),
                ], rows: 14),
            ]),
        ])

    // §2.7 — one sheet per defendant, so no partner is forgotten (the NAO notification failure).
    static let partnerNotifications = FormDefinition(
        id: "CW-F07", name: "partner-notifications", version: "1.0",
        title: "Post-hearing partner notification checklist",
        purpose: "Use one sheet for each defendant after the hearing. Tick whether each partner must be told, "
            + "how they were told and when they acknowledged it. Check every row again when the systems are back.",
        backRecordSystem: "Common Platform", landscape: true,
        sections: [
            FormSection("Case", [
                .text("Case number, URN or T number"),
                .text("Defendant name"),
                .date("Hearing date"),
            ]),
            FormSection("Partners", [
                .table("Notifications", columns: [
                    FormColumn("Partner", weight: 1.9), FormColumn("Required?", weight: 1.2, tickBoxes: yesNo),
                    FormColumn("Method", weight: 1.2), FormColumn("Sent by", weight: 1.1),
                    FormColumn("Time sent", weight: 0.9), FormColumn("Acknowledgement", weight: 1.4),
                    FormColumn("Re-checked after systems restored", weight: 1.5, tickBoxes: yesNo),
                ], rows: 10, rowLabels: [
                    "Custodian or prison", "Escort", "EM supplier", "Probation (community order or PSR request)",
                    "Police (results to PNC)", "CPS", "DVLA (endorsement or disqualification)",
                    "Youth offending team", "Victim services", "Other",
                ]),
            ]),
        ])

    // §2.8 — juror enrolment failed in 2019; this keeps attendance and expenses claimable.
    static let jurorAttendance = FormDefinition(
        id: "CW-F08", name: "juror-attendance", version: "1.0",
        title: "Juror attendance record",
        purpose: "Record jurors' arrival and release while jury management is unavailable, so attendance and "
            + "expenses can be entered later.",
        backRecordSystem: "Jury management system", landscape: true,
        sections: [
            FormSection("Attendance", [
                .text("Panel"),
                .table("Jurors", columns: [
                    FormColumn("Juror number", weight: 1.2), FormColumn("Name", weight: 2.4),
                    FormColumn("Panel"), FormColumn("Time arrived"), FormColumn("Time released"),
                    FormColumn("Expenses claimed?", weight: 1.3, tickBoxes: yesNo),
                    FormColumn("Officer's initials"),
                ], rows: 15),
            ]),
        ])

    // §2.9 — handwritten supervision notes (Napo advice on IT failures).
    static let probationContact = FormDefinition(
        id: "CW-F09", name: "probation-contact", version: "1.0",
        title: "Probation contact and supervision record",
        purpose: "Use for one contact with a person on probation while nDelius or OASys cannot be used.",
        backRecordSystem: "nDelius",
        sections: [
            FormSection("Contact", [
                .date("Date"),
                .time("Time"),
                .text("Name of person on probation"),
                .text("Case reference number (CRN)"),
                .text("Practitioner"),
                .choice("Contact type", options: ["Office", "Home visit", "Phone", "Video"]),
                .choice("Attended?", options: ["Attended", "Failed to attend"]),
                .text("Reason for failing to attend", hint: "Leave blank if they attended"),
            ]),
            FormSection("Risk and safeguarding", [
                .choice("Risk information available?", options: yesNo),
                .text("Systems that were down"),
                .text("Safeguarding or MAPPA concerns", lines: 3),
            ]),
            FormSection("Notes", [
                .text("Facts relevant to enforcement", lines: 3),
                .text("Actions agreed", lines: 3),
            ]),
        ])

    // §2.9 — answers Napo's finding that reception had no information about callers.
    static let receptionSignIn = FormDefinition(
        id: "CW-F10", name: "reception-sign-in", version: "1.0",
        title: "Reporting centre reception sign-in sheet",
        purpose: "Sign in everyone who arrives while case records cannot be seen. If there is no information "
            + "about the person, tick the box and alert the duty manager straight away.",
        backRecordSystem: "nDelius", landscape: true,
        sections: [
            FormSection("Arrivals", [
                .table("People signed in", columns: [
                    FormColumn("Time", weight: 0.8), FormColumn("Name", weight: 1.8), FormColumn("CRN", weight: 1.1),
                    FormColumn("Appointment with", weight: 1.4), FormColumn("Seen?", weight: 1.1, tickBoxes: yesNo),
                    FormColumn("No client information available — alert duty manager", weight: 1.9,
                               tickBoxes: ["Alerted"]),
                    FormColumn("Reception notes", weight: 2),
                ], rows: 14),
            ]),
        ])

    // §2.10 — the daemon's own paper twin, for when its host or the network is down too.
    static let itFailureLog = FormDefinition(
        id: "CW-F11", name: "it-failure-log", version: "1.0",
        title: "Site IT failure log",
        purpose: "Keep this log when courtwatch itself cannot be reached. Enter it into courtwatch when it is "
            + "back, with courtwatch incidents back-record.",
        backRecordSystem: "courtwatch",
        sections: [
            FormSection("Failure", [
                .text("Incident reference", hint: "courtwatch's incident ID if there is one"),
                .text("System that failed"),
                .date("First noticed on"),
                .time("First noticed at"),
                .text("Noticed by: role and initials"),
                .text("Symptoms", lines: 3),
                .choice("Scope", options: ["Whole site", "One courtroom", "One user"]),
                .text("Helpdesk ticket number"),
                .text("Workaround used", hint: "Form IDs, for example CW-F01 and CW-F07"),
            ]),
            FormSection("Timeline", [
                .table("What happened", columns: [
                    FormColumn("Time (hh:mm)"), FormColumn("What happened", weight: 4), FormColumn("Initials"),
                ], rows: 8),
            ]),
            FormSection("Restored", [
                .date("Restored on"),
                .time("Restored at"),
                .text("Confirmed working by"),
            ]),
        ])

    // §2.9 — PC46/2005 asks for "contacts for all parties"; filled from site.conf.
    static let siteContacts = FormDefinition(
        id: "CW-F12", name: "site-contacts", version: "1.0",
        title: "Site contacts",
        purpose: "Who to call when systems fail: helpdesks, suppliers and the duty manager. Printed from the "
            + "site's courtwatch configuration; write any changes in the blank rows.",
        backRecordSystem: nil,
        sections: [
            FormSection("Contacts", [.siteContacts]),
        ])
}
