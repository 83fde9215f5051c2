//! Month and day names of the locales Spark's datetime patterns use
//! (`MMM`, `MMMM`, `LLL`, `LLLL`, `E`, `EEEE`), as Java's CLDR data on the JVM
//! Spark 4.3 runs on gives them (measured by writing dates with each locale).

/// The names of one locale.
#[derive(Debug, PartialEq, Eq)]
pub struct DateNames {
    /// `MMM`: short month names in dates (format form).
    pub months_short: [&'static str; 12],
    /// `MMMM`: full month names in dates (format form).
    pub months_full: [&'static str; 12],
    /// `LLL`: short stand-alone month names.
    pub standalone_months_short: [&'static str; 12],
    /// `LLLL`: full stand-alone month names.
    pub standalone_months_full: [&'static str; 12],
    /// `E`, `EE`, `EEE`: short day names, Monday first.
    pub days_short: [&'static str; 7],
    /// `EEEE`: full day names, Monday first.
    pub days_full: [&'static str; 7],
}

/// Spark's default locale (`en-US`).
pub const ENGLISH: DateNames = DateNames {
    months_short: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    months_full: EN_MONTHS,
    standalone_months_short: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    standalone_months_full: EN_MONTHS,
    days_short: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    days_full: EN_DAYS,
};

const EN_MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const EN_DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const EN_GB: DateNames = DateNames {
    months_short: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"],
    standalone_months_short: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"],
    ..ENGLISH
};

const DE_MONTHS: [&str; 12] =
    ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];
const GERMAN: DateNames = DateNames {
    months_short: ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
    months_full: DE_MONTHS,
    standalone_months_short: ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"],
    standalone_months_full: DE_MONTHS,
    days_short: ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."],
    days_full: ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
};

const FR_MONTHS_SHORT: [&str; 12] = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
const FR_MONTHS: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const FRENCH: DateNames = DateNames {
    months_short: FR_MONTHS_SHORT,
    months_full: FR_MONTHS,
    standalone_months_short: FR_MONTHS_SHORT,
    standalone_months_full: FR_MONTHS,
    days_short: ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
    days_full: ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
};

const ES_MONTHS_SHORT: [&str; 12] = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"];
const ES_MONTHS: [&str; 12] =
    ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"];
const SPANISH: DateNames = DateNames {
    months_short: ES_MONTHS_SHORT,
    months_full: ES_MONTHS,
    standalone_months_short: ES_MONTHS_SHORT,
    standalone_months_full: ES_MONTHS,
    days_short: ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
    days_full: ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
};

const IT_MONTHS_SHORT: [&str; 12] = ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"];
const IT_MONTHS: [&str; 12] =
    ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"];
const ITALIAN: DateNames = DateNames {
    months_short: IT_MONTHS_SHORT,
    months_full: IT_MONTHS,
    standalone_months_short: IT_MONTHS_SHORT,
    standalone_months_full: IT_MONTHS,
    days_short: ["lun", "mar", "mer", "gio", "ven", "sab", "dom"],
    days_full: ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"],
};

const NL_MONTHS_SHORT: [&str; 12] = ["jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."];
const NL_MONTHS: [&str; 12] =
    ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];
const DUTCH: DateNames = DateNames {
    months_short: NL_MONTHS_SHORT,
    months_full: NL_MONTHS,
    standalone_months_short: NL_MONTHS_SHORT,
    standalone_months_full: NL_MONTHS,
    days_short: ["ma", "di", "wo", "do", "vr", "za", "zo"],
    days_full: ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
};

const PT_MONTHS_SHORT: [&str; 12] = ["jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."];
const PT_MONTHS: [&str; 12] =
    ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"];
const PT_DAYS: [&str; 7] = ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"];
/// Portuguese as in Brazil (the language's default).
const PORTUGUESE: DateNames = DateNames {
    months_short: PT_MONTHS_SHORT,
    months_full: PT_MONTHS,
    standalone_months_short: PT_MONTHS_SHORT,
    standalone_months_full: PT_MONTHS,
    days_short: ["seg.", "ter.", "qua.", "qui.", "sex.", "sáb.", "dom."],
    days_full: PT_DAYS,
};
const PORTUGUESE_PORTUGAL: DateNames =
    DateNames { days_short: ["segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo"], ..PORTUGUESE };

const SV_MONTHS_SHORT: [&str; 12] = ["jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec."];
const SV_MONTHS: [&str; 12] =
    ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"];
const SWEDISH: DateNames = DateNames {
    months_short: SV_MONTHS_SHORT,
    months_full: SV_MONTHS,
    standalone_months_short: SV_MONTHS_SHORT,
    standalone_months_full: SV_MONTHS,
    days_short: ["mån", "tis", "ons", "tors", "fre", "lör", "sön"],
    days_full: ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"],
};

const DA_MONTHS_SHORT: [&str; 12] = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."];
const DA_MONTHS: [&str; 12] =
    ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"];
const DANISH: DateNames = DateNames {
    months_short: DA_MONTHS_SHORT,
    months_full: DA_MONTHS,
    standalone_months_short: DA_MONTHS_SHORT,
    standalone_months_full: DA_MONTHS,
    days_short: ["man.", "tir.", "ons.", "tor.", "fre.", "lør.", "søn."],
    days_full: ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
};

const PL_MONTHS_SHORT: [&str; 12] = ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"];
/// Polish and Russian dates name months in the genitive; stand-alone names are nominative.
const POLISH: DateNames = DateNames {
    months_short: PL_MONTHS_SHORT,
    months_full: [
        "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
    ],
    standalone_months_short: PL_MONTHS_SHORT,
    standalone_months_full: [
        "styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień", "wrzesień", "październik", "listopad", "grudzień",
    ],
    days_short: ["pon.", "wt.", "śr.", "czw.", "pt.", "sob.", "niedz."],
    days_full: ["poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"],
};

const RUSSIAN: DateNames = DateNames {
    months_short: ["янв.", "февр.", "мар.", "апр.", "мая", "июн.", "июл.", "авг.", "сент.", "окт.", "нояб.", "дек."],
    months_full: ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"],
    standalone_months_short: ["янв.", "февр.", "март", "апр.", "май", "июнь", "июль", "авг.", "сент.", "окт.", "нояб.", "дек."],
    standalone_months_full: ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"],
    days_short: ["пн", "вт", "ср", "чт", "пт", "сб", "вс"],
    days_full: ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"],
};

/// The names of the locale a language tag (`de-DE`, `fr`, `pt_PT`, any case)
/// names; `None` for locales Ember has no names for.
pub fn for_locale(tag: &str) -> Option<&'static DateNames> {
    let lower = tag.trim().to_ascii_lowercase().replace('_', "-");
    let mut parts = lower.split('-');
    let language = parts.next().unwrap_or("");
    let region = parts.next().unwrap_or("");
    Some(match (language, region) {
        ("en", "gb") => &EN_GB,
        ("en", _) => &ENGLISH,
        ("de", _) => &GERMAN,
        ("fr", _) => &FRENCH,
        ("es", _) => &SPANISH,
        ("it", _) => &ITALIAN,
        ("nl", _) => &DUTCH,
        ("pt", "pt") => &PORTUGUESE_PORTUGAL,
        ("pt", _) => &PORTUGUESE,
        ("sv", _) => &SWEDISH,
        ("da", _) => &DANISH,
        ("pl", _) => &POLISH,
        ("ru", _) => &RUSSIAN,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_name_locales() {
        assert_eq!(for_locale("de-DE"), Some(&GERMAN));
        assert_eq!(for_locale("pt_PT").unwrap().days_short[0], "segunda");
        assert_eq!(for_locale("pt-BR").unwrap().days_short[0], "seg.");
        assert_eq!(for_locale("en-GB").unwrap().months_short[8], "Sept");
        assert_eq!(for_locale("EN-us"), Some(&ENGLISH));
        assert_eq!(for_locale("ja-JP"), None);
    }
}
