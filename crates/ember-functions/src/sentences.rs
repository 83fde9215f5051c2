//! Spark's `sentences(text[, language, country])`: the text split into
//! sentences and each sentence into its words, following the rules of the
//! JDK's sentence and word break iterators for English text: `?` and `!`
//! end a sentence, `.` does when the next word does not start in lower case;
//! `.` and `'` join letters and digits into one word (`U.S`, `don't`, `3.14`)
//! and `,` joins digits (`1,000`); punctuation is dropped.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListBuilder, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, cast};

use crate::kernel_udf::KernelUdf;

/// The result type, `ARRAY<ARRAY<STRING>>`.
pub fn sentences_type() -> DataType {
    let words = DataType::List(Arc::new(Field::new("element", DataType::Utf8, false)));
    DataType::List(Arc::new(Field::new("element", words, false)))
}

/// The call over `text` read as STRING (the locale arguments are accepted
/// and, as for English, do not change the rules).
pub fn sentences(text: Expr) -> Expr {
    KernelUdf::call("sentences", sentences_type(), kernel, "", vec![cast(text, DataType::Utf8)])
}

fn kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let texts = args[0].as_string::<i32>();
    let words = ListBuilder::new(StringBuilder::new());
    let mut builder = ListBuilder::new(words);
    for row in 0..texts.len() {
        if texts.is_null(row) {
            builder.append(false);
            continue;
        }
        for sentence in split_sentences(texts.value(row)) {
            for word in sentence {
                builder.values().values().append_value(word);
            }
            builder.values().append(true);
        }
        builder.append(true);
    }
    let built = builder.finish();
    // The builder names its fields "item"; Spark's arrays read "element".
    Ok(datafusion::arrow::compute::cast(&built, &sentences_type())?)
}

/// The words of each sentence of `text` (sentences without words left out).
pub fn split_sentences(text: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = text.chars().collect();
    let mut sentences = Vec::new();
    let mut current = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || joins(&chars, i)) {
                i += 1;
            }
            current.push(chars[start..i].iter().collect::<String>());
            continue;
        }
        if matches!(c, '.' | '?' | '!') && ends_sentence(&chars, i) && !current.is_empty() {
            sentences.push(std::mem::take(&mut current));
        }
        i += 1;
    }
    if !current.is_empty() {
        sentences.push(current);
    }
    sentences
}

/// Whether the punctuation at `i` joins the characters around it into one word.
fn joins(chars: &[char], i: usize) -> bool {
    let (Some(before), Some(after)) = (i.checked_sub(1).map(|b| chars[b]), chars.get(i + 1)) else { return false };
    match chars[i] {
        '.' | '\'' | '\u{2019}' => before.is_alphanumeric() && after.is_alphanumeric(),
        ',' | ';' => before.is_ascii_digit() && after.is_ascii_digit(),
        _ => false,
    }
}

/// Whether the terminator at `i` ends its sentence.
fn ends_sentence(chars: &[char], i: usize) -> bool {
    let next = chars[i + 1..].iter().find(|c| !c.is_whitespace() && !matches!(c, '.' | '?' | '!'));
    match (chars[i], next) {
        (_, None) => true,
        ('.', Some(next)) => {
            let spaced = chars.get(i + 1).is_some_and(|c| c.is_whitespace());
            spaced && !next.is_lowercase()
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::split_sentences;

    fn words(text: &str) -> Vec<Vec<&'static str>> {
        split_sentences(text).into_iter().map(|s| s.into_iter().map(|w| &*w.leak()).collect()).collect()
    }

    #[test]
    fn splits_like_the_jdk_for_english() {
        assert_eq!(words("Hello world. how are you? I am fine!"), vec![vec!["Hello", "world", "how", "are", "you"], vec!["I", "am", "fine"]]);
        assert_eq!(words("don't stop 3.14 e.g. the U.S. now."), vec![vec!["don't", "stop", "3.14", "e.g", "the", "U.S", "now"]]);
        assert_eq!(words("a,b;c  d.e f"), vec![vec!["a", "b", "c", "d.e", "f"]]);
        assert!(words("").is_empty());
    }
}
