/// Escaping and whole-page helpers for the HTML the forms, reports and web pages produce.
public enum HTML {
    /// Text for element content: `&`, `<` and `>` escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Text for a quoted attribute value: also both quote characters, so it is safe in "..." or '...'.
    public static func escapeAttribute(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A standalone document (a report, an extract, an index) with its content as the page's one `main`
    /// landmark; pages with their own header and navigation build the landmarks themselves.
    public static func mainDocument(title: String, body: String, extraCSS: String = "") -> String {
        document(title: title, body: "<main>\n" + body + "</main>\n", extraCSS: extraCSS)
    }

    /// A complete page: doctype, `lang="en-GB"`, UTF-8, viewport, the shared stylesheet (plus `extraCSS`),
    /// the title and `body` (already HTML). `head` is further head markup (already HTML, ending in a newline).
    public static func document(title: String, body: String, extraCSS: String = "", head: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        \(head)<meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        \(stylesheet)\(extraCSS)
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }
}
