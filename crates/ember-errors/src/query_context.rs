//! Where in the user's program an error arose: Spark's `QueryContext`, a
//! span of SQL text or the DataFrame API call that built the failing
//! expression.

/// One query context of an error, as Spark reports it to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryContext {
    /// An expression built by a DataFrame API call: the PySpark function
    /// (`__truediv__`, `col`) and the user's line that called it.
    DataFrame {
        /// The API function's name.
        fragment: String,
        /// `file:line` of the call in the user's program.
        call_site: String,
    },
    /// A span of SQL text (character offsets, the stop inclusive).
    Sql {
        /// The whole statement.
        sql_text: String,
        /// Offset of the span's first character.
        start_index: usize,
        /// Offset of the span's last character.
        stop_index: usize,
    },
}

impl QueryContext {
    /// The text the context points at.
    pub fn fragment(&self) -> String {
        match self {
            QueryContext::DataFrame { fragment, .. } => fragment.clone(),
            QueryContext::Sql { sql_text, start_index, stop_index } => {
                sql_text.chars().skip(*start_index).take(stop_index + 1 - start_index).collect()
            }
        }
    }

    /// Spark's rendering appended to the error message: `== DataFrame ==`
    /// with the call, or `== SQL (line l, position p) ==` with the SQL
    /// lines and carets under the span.
    pub fn summary(&self) -> String {
        match self {
            QueryContext::DataFrame { fragment, call_site } => {
                format!("== DataFrame ==\n\"{fragment}\" was called from\n{call_site}\n")
            }
            QueryContext::Sql { sql_text, start_index, stop_index } => sql_summary(sql_text, *start_index, *stop_index),
        }
    }
}

fn sql_summary(sql_text: &str, start: usize, stop: usize) -> String {
    let before: Vec<char> = sql_text.chars().take(start).collect();
    let line = 1 + before.iter().filter(|c| **c == '\n').count();
    let position = before.iter().rev().take_while(|c| **c != '\n').count() + 1;
    let mut summary = format!("== SQL (line {line}, position {position}) ==\n");
    let mut line_start = 0;
    for text in sql_text.split('\n') {
        let length = text.chars().count();
        let line_stop = line_start + length;
        if start < line_stop.max(line_start + 1) && stop >= line_start {
            let from = start.max(line_start) - line_start;
            let to = stop.min(line_stop.saturating_sub(1)) - line_start;
            summary.push_str(text);
            summary.push('\n');
            summary.push_str(&" ".repeat(from));
            summary.push_str(&"^".repeat(to + 1 - from));
            summary.push('\n');
        }
        line_start = line_stop + 1;
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_context_points_at_its_span() {
        let context = QueryContext::Sql { sql_text: "select 10/0".into(), start_index: 7, stop_index: 10 };
        assert_eq!(context.fragment(), "10/0");
        assert_eq!(context.summary(), "== SQL (line 1, position 8) ==\nselect 10/0\n       ^^^^\n");
    }

    #[test]
    fn sql_context_over_lines() {
        let context = QueryContext::Sql { sql_text: "select\n  a +\n b from t".into(), start_index: 9, stop_index: 14 };
        assert_eq!(context.fragment(), "a +\n b");
        assert_eq!(context.summary(), "== SQL (line 2, position 3) ==\n  a +\n  ^^^\n b from t\n^^\n");
    }

    #[test]
    fn dataframe_context_names_the_call() {
        let context = QueryContext::DataFrame { fragment: "__truediv__".into(), call_site: "app.py:3".into() };
        assert_eq!(context.fragment(), "__truediv__");
        assert_eq!(context.summary(), "== DataFrame ==\n\"__truediv__\" was called from\napp.py:3\n");
    }
}
