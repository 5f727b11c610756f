//! Human output: left-aligned columns separated by two spaces (widths counted in characters),
//! and aligned `key  value` blocks. Small enough not to need a table crate.

use super::http::Answer;
use crate::cli::Output;

/// A table with a header row.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub fn new(header: &[&str]) -> Self {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are blank, extra cells are dropped).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The rendered table, one line per row, each ending in `\n`.
    pub fn render(&self) -> String {
        let cols = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().take(cols).enumerate() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = row.get(i).map_or("", String::as_str);
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(cell);
                let pad = width - cell.chars().count().min(*width);
                line.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Aligned `key  value` lines.
pub fn key_values(pairs: &[(&str, String)]) -> String {
    let width = pairs
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (k, v) in pairs {
        let pad = width - k.chars().count();
        out.push_str(format!("{k}{}  {v}", " ".repeat(pad)).trim_end());
        out.push('\n');
    }
    out
}

/// Prints the answer's JSON (re-indented, otherwise as the server sent it) when asked for
/// JSON, else calls `human`. An empty answer prints as `{}` so that stdout always parses.
pub fn emit(output: Output, answer: &Answer, human: impl FnOnce() -> String) {
    match output {
        Output::Json if answer.text.trim().is_empty() => println!("{{}}"),
        Output::Json => println!("{}", pretty(&answer.text)),
        Output::Table => print!("{}", human()),
    }
}

/// Re-indents JSON text by two spaces, keeping the order of fields and every token as is
/// (a `serde_json::Value` would sort the keys).
pub fn pretty(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = json.trim().chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(c);
                    out.push(close);
                } else {
                    out.push(c);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// `1h02m`, `3m05s`, `42s`.
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m:02}m")
    } else if m > 0 {
        format!("{m}m{s:02}s")
    } else {
        format!("{s}s")
    }
}

/// `-` for an empty string.
pub fn or_dash(s: &str) -> String {
    if s.is_empty() {
        "-".to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_keeps_field_order_and_strings_and_parses_back() {
        let raw =
            r#"{"zeta":1,"alpha":{"s":"a,b:{c}\\\"q","e":[],"o":{ }},"list":[1, 2.50,null,true]}"#;
        let p = pretty(raw);
        assert!(p.find("zeta").unwrap() < p.find("alpha").unwrap(), "{p}");
        assert!(p.contains("\"s\": \"a,b:{c}\\\\\\\"q\""), "{p}");
        assert!(p.contains("\"e\": [],") && p.contains("\"o\": {}"), "{p}");
        assert!(p.contains("2.50"), "{p}");
        assert!(
            p.starts_with("{\n  \"zeta\": 1,\n  \"alpha\": {\n    \"s\""),
            "{p}"
        );
        let a: serde_json::Value = serde_json::from_str(raw).unwrap();
        let b: serde_json::Value = serde_json::from_str(&p).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn columns_align_on_the_widest_cell_and_lines_have_no_trailing_blanks() {
        let mut t = Table::new(&["ID", "NAME", "STATUS"]);
        t.row(vec!["1".into(), "logs-prod".into(), "200".into()]);
        t.row(vec!["22".into(), "x".into()]);
        assert_eq!(
            t.render(),
            "ID  NAME       STATUS\n1   logs-prod  200\n22  x\n"
        );
    }

    #[test]
    fn key_values_align_and_durations_read_naturally() {
        assert_eq!(
            key_values(&[("id", "a".into()), ("status", "b".into())]),
            "id      a\nstatus  b\n"
        );
        assert_eq!(duration(42), "42s");
        assert_eq!(duration(185), "3m05s");
        assert_eq!(duration(3720), "1h02m");
        assert_eq!(duration(-5), "0s");
    }
}
