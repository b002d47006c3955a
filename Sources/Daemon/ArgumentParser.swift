/// Parsed options of one subcommand. Hand-written, with swift-argument-parser's conventions:
/// `--name value` or `--name=value`, flags without values, `--help` anywhere.
struct ParsedArguments {
    var positionals: [String] = []
    var options: [String: String] = [:]
    var flags: Set<String> = []
    var wantsHelp = false

    func option(_ name: String) -> String? { options[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Parses `arguments` for `command`, which takes `options` (with values) and `flags`.
    static func parse(_ arguments: ArraySlice<String>, command: String, options: Set<String>,
                      flags: Set<String> = [], maximumPositionals: Int = 0) throws(CommandFailure) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" {
                parsed.wantsHelp = true
                continue
            }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                if argument.hasPrefix("-") && argument != "-" {
                    throw .usage("unknown option '\(argument)'", command: command)
                }
                parsed.positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if flags.contains(name) {
                guard value == nil else { throw .usage("--\(name) takes no value", command: command) }
                parsed.flags.insert(name)
            } else if options.contains(name) {
                if value == nil {
                    guard index < arguments.endIndex else { throw .usage("--\(name) needs a value", command: command) }
                    value = arguments[index]
                    index += 1
                }
                guard let value, !value.isEmpty else { throw .usage("--\(name) needs a value", command: command) }
                guard parsed.options[name] == nil else { throw .usage("--\(name) given twice", command: command) }
                parsed.options[name] = value
            } else {
                throw .usage("unknown option '--\(name)'", command: command)
            }
        }
        if !parsed.wantsHelp && parsed.positionals.count > maximumPositionals {
            throw .usage("unexpected argument '\(parsed.positionals[maximumPositionals])'", command: command)
        }
        return parsed
    }
}
