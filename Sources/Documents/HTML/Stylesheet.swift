extension HTML {
    /// The one stylesheet every courtwatch page and printable form uses. Follows the GOV.UK print and
    /// accessibility guidance: sans-serif at 12 pt or more, left aligned, near-black on white, a thick
    /// visible focus outline, and state shown in words (classes only add emphasis, never the only meaning).
    /// `@page` sets A4 with margins so printed forms match the PDF versions.
    public static let stylesheet = """
        @page { size: A4; margin: 15mm; }
        html { font-size: 12pt; }
        body { font-family: Arial, Helvetica, "Liberation Sans", sans-serif; font-size: 12pt; line-height: 1.4;
          color: #0b0c0c; background: #ffffff; text-align: left; margin: 0 auto; max-width: 190mm; padding: 8mm; }
        h1 { font-size: 20pt; margin: 0 0 8pt; }
        h2 { font-size: 16pt; margin: 16pt 0 6pt; }
        h3 { font-size: 13.5pt; margin: 12pt 0 4pt; }
        p, li, td, th, label, legend, input, select, textarea, button { font-size: 12pt; }
        small, .hint { font-size: 12pt; color: #505a5f; }
        a { color: #1d70b8; text-decoration: underline; }
        a:visited { color: #4c2c92; }
        a:focus, input:focus, select:focus, textarea:focus, button:focus, summary:focus {
          outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; }
        table { border-collapse: collapse; width: 100%; margin: 6pt 0 12pt; }
        .table-wrap { overflow-x: auto; }
        svg { max-width: 100%; height: auto; }
        p, td, dd, li { overflow-wrap: anywhere; }
        .table-wrap:focus { outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; }
        caption { text-align: left; font-weight: bold; margin: 0 0 4pt; }
        th, td { border: 1px solid #0b0c0c; padding: 4pt 6pt; text-align: left; vertical-align: top; }
        th { background: #e6e6e6; font-weight: bold; }
        td.number, th.number { text-align: right; }
        fieldset { border: 1px solid #0b0c0c; margin: 0 0 12pt; padding: 6pt 10pt 10pt; }
        legend { font-weight: bold; padding: 0 4pt; }
        label { display: inline-block; margin: 2pt 12pt 2pt 0; }
        .field { margin: 0 0 8pt; }
        .field > label { display: block; font-weight: bold; }
        input[type=text], input[type=tel], input[type=email] { border: 2px solid #0b0c0c; padding: 4pt;
          width: 100%; box-sizing: border-box; min-height: 22pt; }
        input[type=checkbox], input[type=radio] { appearance: none; -webkit-appearance: none; width: 14pt;
          height: 14pt; margin: 0 6pt 0 0; vertical-align: middle; border: 2px solid #0b0c0c; border-radius: 0;
          background: #ffffff; }
        input[type=checkbox]:checked, input[type=radio]:checked { background: #0b0c0c;
          box-shadow: inset 0 0 0 3px #ffffff; }
        input.boxes-2 { width: 3em; } input.boxes-4 { width: 5em; }
        .date-boxes label, .time-boxes label { display: inline-block; margin-right: 8pt; font-weight: normal; }
        .status { font-weight: bold; border: 2px solid #0b0c0c; padding: 0 4pt; }
        .page-header, .page-footer { font-size: 12pt; border-top: 1px solid #0b0c0c; padding-top: 4pt; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; margin: 0; padding: 0; overflow: hidden;
          clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
        .bar { display: inline-block; background: #505a5f; height: 10pt; }
        @media print {
          body { max-width: none; padding: 0; }
          a { color: #0b0c0c; }
          .no-print { display: none; }
          fieldset, table, tr, .field { break-inside: avoid; }
          h1, h2, h3 { break-after: avoid; }
          .page-break { break-before: page; }
        }

        """
}
