//! Spark's string collations: names, their normalized form and how Ember records a collated
//! string type.
//!
//! A collation is `UTF8_BINARY` (the default), `UTF8_LCASE`, or an ICU one: `UNICODE` or a
//! locale (`en`, `sr_Cyrl_SRB`) followed by optional `_CI`/`_CS` (case), `_AI`/`_AS` (accent)
//! specifiers; any of them may end with `_RTRIM` (trailing spaces are ignored). Names are
//! case-insensitive and may be qualified as `SYSTEM.BUILTIN.name`. Arrow strings have no
//! collation, so Ember keeps a non-default one in the field metadata under [`COLLATION_KEY`].

use std::collections::HashMap;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field};

use crate::error::TypeError;

/// Field metadata key holding the normalized name of a string field's collation
/// (absent for `UTF8_BINARY`).
pub const COLLATION_KEY: &str = "ember.collation";

/// Catalog and schema of the built-in collations, as `collation()` and `collations()` name them.
pub const COLLATION_CATALOG: &str = "SYSTEM";
/// See [`COLLATION_CATALOG`].
pub const COLLATION_SCHEMA: &str = "BUILTIN";
/// The ICU version Spark 4.3 reports for its ICU collations.
pub const ICU_VERSION: &str = "78.3.0.0";

/// The ICU locales Spark offers, sorted as Spark numbers them: (collation name, BCP 47 tag,
/// display language, display country). `UNICODE` is the root locale.
pub const ICU_LOCALES: &[(&str, &str, &str, &str)] = &[
    ("UNICODE", "und", "", ""),
    ("af", "af", "Afrikaans", ""),
    ("am", "am", "Amharic", ""),
    ("ar", "ar", "Arabic", ""),
    ("ar_SAU", "ar-SA", "Arabic", "Saudi Arabia"),
    ("as", "as", "Assamese", ""),
    ("az", "az", "Azerbaijani", ""),
    ("be", "be", "Belarusian", ""),
    ("bg", "bg", "Bulgarian", ""),
    ("blo", "blo", "Anii", ""),
    ("bn", "bn", "Bangla", ""),
    ("bo", "bo", "Tibetan", ""),
    ("br", "br", "Breton", ""),
    ("bs", "bs", "Bosnian", ""),
    ("bs_Cyrl", "bs-Cyrl", "Bosnian", ""),
    ("ca", "ca", "Catalan", ""),
    ("ceb", "ceb", "Cebuano", ""),
    ("chr", "chr", "Cherokee", ""),
    ("cs", "cs", "Czech", ""),
    ("cy", "cy", "Welsh", ""),
    ("da", "da", "Danish", ""),
    ("de", "de", "German", ""),
    ("de_AUT", "de-AT", "German", "Austria"),
    ("dsb", "dsb", "Lower Sorbian", ""),
    ("dz", "dz", "Dzongkha", ""),
    ("ee", "ee", "Ewe", ""),
    ("el", "el", "Greek", ""),
    ("en", "en", "English", ""),
    ("en_USA", "en-US", "English", "United States"),
    ("eo", "eo", "Esperanto", ""),
    ("es", "es", "Spanish", ""),
    ("et", "et", "Estonian", ""),
    ("fa", "fa", "Persian", ""),
    ("fa_AFG", "fa-AF", "Persian", "Afghanistan"),
    ("ff", "ff", "Fula", ""),
    ("ff_Adlm", "ff-Adlm", "Fula", ""),
    ("fi", "fi", "Finnish", ""),
    ("fil", "fil", "Filipino", ""),
    ("fo", "fo", "Faroese", ""),
    ("fr", "fr", "French", ""),
    ("fr_CAN", "fr-CA", "French", "Canada"),
    ("fy", "fy", "Western Frisian", ""),
    ("ga", "ga", "Irish", ""),
    ("gl", "gl", "Galician", ""),
    ("gu", "gu", "Gujarati", ""),
    ("ha", "ha", "Hausa", ""),
    ("haw", "haw", "Hawaiian", ""),
    ("he", "he", "Hebrew", ""),
    ("he_ISR", "he-IL", "Hebrew", "Israel"),
    ("hi", "hi", "Hindi", ""),
    ("hr", "hr", "Croatian", ""),
    ("hsb", "hsb", "Upper Sorbian", ""),
    ("hu", "hu", "Hungarian", ""),
    ("hy", "hy", "Armenian", ""),
    ("id", "id", "Indonesian", ""),
    ("id_IDN", "id-ID", "Indonesian", "Indonesia"),
    ("ig", "ig", "Igbo", ""),
    ("is", "is", "Icelandic", ""),
    ("it", "it", "Italian", ""),
    ("ja", "ja", "Japanese", ""),
    ("ka", "ka", "Georgian", ""),
    ("kk", "kk", "Kazakh", ""),
    ("kk_Arab", "kk-Arab", "Kazakh", ""),
    ("kl", "kl", "Kalaallisut", ""),
    ("km", "km", "Khmer", ""),
    ("kn", "kn", "Kannada", ""),
    ("ko", "ko", "Korean", ""),
    ("kok", "kok", "Konkani", ""),
    ("ku", "ku", "Kurdish", ""),
    ("ky", "ky", "Kyrgyz", ""),
    ("lb", "lb", "Luxembourgish", ""),
    ("lij", "lij", "Ligurian", ""),
    ("lkt", "lkt", "Lakota", ""),
    ("ln", "ln", "Lingala", ""),
    ("lo", "lo", "Lao", ""),
    ("lt", "lt", "Lithuanian", ""),
    ("lv", "lv", "Latvian", ""),
    ("mk", "mk", "Macedonian", ""),
    ("ml", "ml", "Malayalam", ""),
    ("mn", "mn", "Mongolian", ""),
    ("mr", "mr", "Marathi", ""),
    ("ms", "ms", "Malay", ""),
    ("mt", "mt", "Maltese", ""),
    ("my", "my", "Burmese", ""),
    ("nb", "nb", "Norwegian Bokmål", ""),
    ("nb_NOR", "nb-NO", "Norwegian Bokmål", "Norway"),
    ("ne", "ne", "Nepali", ""),
    ("nl", "nl", "Dutch", ""),
    ("nn", "nn", "Norwegian Nynorsk", ""),
    ("no", "no", "Norwegian", ""),
    ("nso", "nso", "Northern Sotho", ""),
    ("om", "om", "Oromo", ""),
    ("or", "or", "Odia", ""),
    ("pa", "pa", "Punjabi", ""),
    ("pa_Guru", "pa-Guru", "Punjabi", ""),
    ("pa_Guru_IND", "pa-Guru-IN", "Punjabi", "India"),
    ("pl", "pl", "Polish", ""),
    ("ps", "ps", "Pashto", ""),
    ("pt", "pt", "Portuguese", ""),
    ("ro", "ro", "Romanian", ""),
    ("ru", "ru", "Russian", ""),
    ("sa", "sa", "Sanskrit", ""),
    ("se", "se", "Northern Sami", ""),
    ("si", "si", "Sinhala", ""),
    ("sk", "sk", "Slovak", ""),
    ("sl", "sl", "Slovenian", ""),
    ("smn", "smn", "Inari Sami", ""),
    ("sq", "sq", "Albanian", ""),
    ("sr", "sr", "Serbian", ""),
    ("sr_Cyrl", "sr-Cyrl", "Serbian", ""),
    ("sr_Cyrl_BIH", "sr-Cyrl-BA", "Serbian", "Bosnia & Herzegovina"),
    ("sr_Cyrl_MNE", "sr-Cyrl-ME", "Serbian", "Montenegro"),
    ("sr_Cyrl_SRB", "sr-Cyrl-RS", "Serbian", "Serbia"),
    ("sr_Latn", "sr-Latn", "Serbian", ""),
    ("sr_Latn_BIH", "sr-Latn-BA", "Serbian", "Bosnia & Herzegovina"),
    ("sr_Latn_SRB", "sr-Latn-RS", "Serbian", "Serbia"),
    ("st", "st", "Southern Sotho", ""),
    ("sv", "sv", "Swedish", ""),
    ("sw", "sw", "Swahili", ""),
    ("ta", "ta", "Tamil", ""),
    ("te", "te", "Telugu", ""),
    ("th", "th", "Thai", ""),
    ("tk", "tk", "Turkmen", ""),
    ("tn", "tn", "Tswana", ""),
    ("to", "to", "Tongan", ""),
    ("tr", "tr", "Turkish", ""),
    ("ug", "ug", "Uyghur", ""),
    ("uk", "uk", "Ukrainian", ""),
    ("ur", "ur", "Urdu", ""),
    ("uz", "uz", "Uzbek", ""),
    ("vi", "vi", "Vietnamese", ""),
    ("wae", "wae", "Walser", ""),
    ("wo", "wo", "Wolof", ""),
    ("xh", "xh", "Xhosa", ""),
    ("yi", "yi", "Yiddish", ""),
    ("yo", "yo", "Yoruba", ""),
    ("zh", "zh", "Chinese", ""),
    ("zh_Hans", "zh-Hans", "Chinese", ""),
    ("zh_Hans_CHN", "zh-Hans-CN", "Chinese", "China"),
    ("zh_Hans_SGP", "zh-Hans-SG", "Chinese", "Singapore"),
    ("zh_Hant", "zh-Hant", "Chinese", ""),
    ("zh_Hant_HKG", "zh-Hant-HK", "Chinese", "Hong Kong SAR China"),
    ("zh_Hant_MAC", "zh-Hant-MO", "Chinese", "Macao SAR China"),
    ("zh_Hant_TWN", "zh-Hant-TW", "Chinese", "Taiwan"),
    ("zu", "zu", "Zulu", ""),
];

/// What a collation compares: bytes, lowercased code points, or an ICU locale's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CollationFamily {
    /// `UTF8_BINARY`: byte order.
    Utf8Binary,
    /// `UTF8_LCASE`: byte order of the lowercased strings.
    Utf8Lcase,
    /// An ICU collation; the index into [`ICU_LOCALES`].
    Icu(usize),
}

/// A parsed collation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Collation {
    /// Its family (and locale).
    pub family: CollationFamily,
    /// `_CI`: case-insensitive (ICU only; `UTF8_LCASE` is case-insensitive by family).
    pub case_insensitive: bool,
    /// `_AI`: accent-insensitive (ICU only).
    pub accent_insensitive: bool,
    /// `_RTRIM`: trailing spaces do not count.
    pub rtrim: bool,
}

impl Collation {
    /// `UTF8_BINARY`, the collation of plain strings.
    pub const UTF8_BINARY: Collation = Collation { family: CollationFamily::Utf8Binary, case_insensitive: false, accent_insensitive: false, rtrim: false };

    /// Parses a collation name as Spark does (case-insensitively, optionally qualified by
    /// `SYSTEM.BUILTIN.`); fails with `COLLATION_INVALID_NAME` and Spark's suggestions.
    pub fn parse(name: &str) -> Result<Collation, TypeError> {
        let invalid = || TypeError::InvalidCollation { name: name.to_string(), proposals: suggestions(name) };
        let parts: Vec<&str> = name.split('.').collect();
        let bare = match parts.as_slice() {
            [bare] => *bare,
            [catalog, schema, bare] if catalog.eq_ignore_ascii_case(COLLATION_CATALOG) && schema.eq_ignore_ascii_case(COLLATION_SCHEMA) => *bare,
            _ => return Err(invalid()),
        };
        Self::parse_bare(bare).ok_or_else(invalid)
    }

    fn parse_bare(name: &str) -> Option<Collation> {
        let upper = name.to_uppercase();
        if let Some(rest) = upper.strip_prefix("UTF8_") {
            let (family, specifiers) = if let Some(s) = rest.strip_prefix("BINARY") {
                (CollationFamily::Utf8Binary, s)
            } else if let Some(s) = rest.strip_prefix("LCASE") {
                (CollationFamily::Utf8Lcase, s)
            } else {
                return None;
            };
            let rtrim = match specifiers {
                "" => false,
                "_RTRIM" => true,
                _ => return None,
            };
            return Some(Collation { family, case_insensitive: false, accent_insensitive: false, rtrim });
        }
        // The longest locale name the text starts with: specifiers never look like a script or
        // a country, so a shorter match cannot be the right one.
        let (locale, (locale_name, ..)) = ICU_LOCALES.iter().enumerate().filter(|(_, (n, ..))| upper.starts_with(&n.to_uppercase())).max_by_key(|(_, (n, ..))| n.len())?;
        let mut collation = Collation { family: CollationFamily::Icu(locale), case_insensitive: false, accent_insensitive: false, rtrim: false };
        let rest = &upper[locale_name.len()..];
        if rest.is_empty() {
            return Some(collation);
        }
        let (mut case_set, mut accent_set, mut trim_set) = (false, false, false);
        for specifier in rest.strip_prefix('_')?.split('_') {
            let seen = match specifier {
                "CI" | "CS" => {
                    collation.case_insensitive = specifier == "CI";
                    &mut case_set
                }
                "AI" | "AS" => {
                    collation.accent_insensitive = specifier == "AI";
                    &mut accent_set
                }
                "RTRIM" => {
                    collation.rtrim = true;
                    &mut trim_set
                }
                _ => return None,
            };
            if std::mem::replace(seen, true) {
                return None;
            }
        }
        Some(collation)
    }

    /// The normalized name: `UTF8_LCASE_RTRIM`, `UNICODE_CI_AI`, `sr_Cyrl_SRB_AI`.
    pub fn name(&self) -> String {
        let mut name = match self.family {
            CollationFamily::Utf8Binary => "UTF8_BINARY".to_string(),
            CollationFamily::Utf8Lcase => "UTF8_LCASE".to_string(),
            CollationFamily::Icu(locale) => ICU_LOCALES[locale].0.to_string(),
        };
        if self.case_insensitive {
            name.push_str("_CI");
        }
        if self.accent_insensitive {
            name.push_str("_AI");
        }
        if self.rtrim {
            name.push_str("_RTRIM");
        }
        name
    }

    /// `SYSTEM.BUILTIN.<name>`, what `collation()` returns.
    pub fn qualified_name(&self) -> String {
        format!("{COLLATION_CATALOG}.{COLLATION_SCHEMA}.{}", self.name())
    }

    /// Whether this is `UTF8_BINARY`: strings compare as bytes.
    pub fn is_binary(&self) -> bool {
        *self == Self::UTF8_BINARY
    }

    /// The BCP 47 tag of an ICU collation's locale (`und` for `UNICODE`).
    pub fn icu_locale(&self) -> Option<&'static str> {
        match self.family {
            CollationFamily::Icu(locale) => Some(ICU_LOCALES[locale].1),
            _ => None,
        }
    }

    /// Whether letters that differ only in case are equal.
    pub fn is_case_insensitive(&self) -> bool {
        self.case_insensitive || self.family == CollationFamily::Utf8Lcase
    }

    /// The collation a field records; `UTF8_BINARY` for strings without one, `None` for
    /// fields that are not strings.
    pub fn of(field: &Field) -> Option<Collation> {
        if !matches!(field.data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
            return None;
        }
        Some(Self::from_metadata(field.metadata()).unwrap_or(Self::UTF8_BINARY))
    }

    /// The collation recorded in field metadata, if any (and valid).
    pub fn from_metadata(metadata: &HashMap<String, String>) -> Option<Collation> {
        metadata.get(COLLATION_KEY).and_then(|name| Self::parse_bare(name))
    }

    /// `field` recording this collation (and no other): `UTF8_BINARY` removes the entry.
    pub fn tag(&self, field: Field) -> Field {
        let mut metadata = field.metadata().clone();
        if self.is_binary() {
            metadata.remove(COLLATION_KEY);
        } else {
            metadata.insert(COLLATION_KEY.to_string(), self.name());
        }
        field.with_metadata(metadata)
    }

    /// The type as Spark writes it: `STRING` or `STRING COLLATE UNICODE_CI`.
    pub fn type_sql(&self) -> String {
        if self.is_binary() { "STRING".to_string() } else { format!("STRING COLLATE {}", self.name()) }
    }

    /// The type as `simpleString` writes it: `string` or `string collate UNICODE_CI`.
    pub fn simple_string(&self) -> String {
        if self.is_binary() { "string".to_string() } else { format!("string collate {}", self.name()) }
    }
}

/// The field-metadata key under which Spark's JSON schemas record the collations of a field's
/// strings: `{"__COLLATIONS": {"<path>": "<provider>.<name>"}}`, the path being the field name
/// followed by `.element`, `.key` or `.value` steps into arrays and maps.
pub const JSON_COLLATIONS_KEY: &str = "__COLLATIONS";

/// `field` with the collation `name` (`icu.UNICODE_CI`, `spark.UTF8_LCASE`, or bare) given to
/// the string at `steps` (`element`, `key`, `value`) inside it.
pub fn tag_path(field: Field, steps: &[&str], name: &str) -> Result<Field, TypeError> {
    let bare = name.split_once('.').map_or(name, |(_, bare)| bare);
    let Some((step, rest)) = steps.split_first() else {
        return Ok(Collation::parse(bare)?.tag(field));
    };
    let data_type = match (field.data_type(), *step) {
        (DataType::List(element), "element") => DataType::List(Arc::new(tag_path(element.as_ref().clone(), rest, name)?)),
        (DataType::Map(entries, sorted), "key" | "value") => match entries.data_type() {
            DataType::Struct(kv) => {
                let kv = kv.iter().map(|f| if f.name().as_str() == *step { tag_path(f.as_ref().clone(), rest, name) } else { Ok(f.as_ref().clone()) }).collect::<Result<Vec<_>, _>>()?;
                DataType::Map(Arc::new(entries.as_ref().clone().with_data_type(DataType::Struct(kv.into()))), *sorted)
            }
            _ => return Ok(field),
        },
        _ => return Ok(field),
    };
    Ok(field.with_data_type(data_type))
}

/// Levenshtein distance between two strings, by characters.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// Spark's suggestions for an invalid collation name: the closest base names (by edit
/// distance, at most three, the later ones only when close) with the case and accent
/// specifiers the name ends with.
fn suggestions(name: &str) -> String {
    let upper = name.to_uppercase();
    let (roots, modifiers): (Vec<&str>, &[&str]) = if name.starts_with("UTF8_") {
        (vec!["UTF8_BINARY", "UTF8_LCASE"], &[])
    } else {
        (ICU_LOCALES.iter().map(|(n, ..)| *n).collect(), &["_CI", "_AI", "_CS", "_AS"])
    };
    let mut base = upper.as_str();
    let mut found = Vec::new();
    while let Some(m) = modifiers.iter().find(|m| base.ends_with(*m)) {
        found.push(*m);
        base = &base[..base.len() - m.len()];
    }
    found.reverse();
    let mut unique: Vec<&str> = Vec::new();
    for m in found {
        if !unique.contains(&m) {
            unique.push(m);
        }
    }
    if unique.contains(&"_CS") {
        unique.retain(|m| *m != "_CI");
    }
    if unique.contains(&"_AS") {
        unique.retain(|m| *m != "_AI");
    }
    let suffix = unique.concat();
    let mut by_distance = roots;
    by_distance.sort_by_key(|root| levenshtein(&root.to_uppercase(), base));
    let mut out: Vec<String> = Vec::new();
    for root in by_distance.into_iter().take(3) {
        let suggestion = format!("{root}{suffix}");
        if !out.is_empty() && levenshtein(&suggestion.to_uppercase(), &upper) >= 3 {
            break;
        }
        out.push(suggestion);
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalize() {
        for (name, normalized) in [
            ("utf8_binary", "UTF8_BINARY"),
            ("UTF8_lcase_rtrim", "UTF8_LCASE_RTRIM"),
            ("unicode_cs_as", "UNICODE"),
            ("UNICODE_ai_ci", "UNICODE_CI_AI"),
            ("EN_USA_ci", "en_USA_CI"),
            ("sr_cyrl_srb_rtrim", "sr_Cyrl_SRB_RTRIM"),
            ("system.builtin.de", "de"),
        ] {
            assert_eq!(Collation::parse(name).unwrap().name(), normalized, "{name}");
        }
    }

    #[test]
    fn invalid_names_suggest() {
        for (name, proposals) in [("en_us", "en_USA"), ("unicod", "UNICODE"), ("en_CI_CS", "en_CS"), ("en_XX", "en"), ("UTF8_LCASE_CS", "UTF8_LCASE")] {
            match Collation::parse(name) {
                Err(TypeError::InvalidCollation { proposals: p, .. }) => assert_eq!(p, proposals, "{name}"),
                other => panic!("{name}: {other:?}"),
            }
        }
    }
}
