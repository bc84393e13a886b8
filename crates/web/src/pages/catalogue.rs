//! The pages' message catalogue (Fluent): every text a page shows comes
//! from `locales/<lang>/paginas.ftl`, or, for the closed lists of the
//! procedure (categories, kinds of aggression, states), from the domain's
//! Spanish labels, which the API and the e-mails use too.
//!
//! Spanish is complete. Southern Quechua and Aymara have catalogues of
//! their own that hold only what a qualified translator has given us; any
//! message they lack falls back to Spanish, one message at a time, and the
//! page marks that passage `lang="es"` so a screen reader pronounces it as
//! Spanish. Nothing here is machine-translated.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The languages the pages offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Es,
    /// Southern Quechua (`qu`; ISO 639-3 `quz`, `quy`… map here).
    Qu,
    /// Aymara.
    Ay,
}

impl Lang {
    pub(crate) const ALL: [Lang; 3] = [Lang::Es, Lang::Qu, Lang::Ay];

    /// The BCP 47 tag, as `lang` attributes and the `lengua` parameter
    /// carry it.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::Qu => "qu",
            Lang::Ay => "ay",
        }
    }

    pub(crate) fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "es" | "spa" => Some(Lang::Es),
            "qu" | "que" | "quz" | "quy" | "qwh" | "qxu" => Some(Lang::Qu),
            "ay" | "aym" | "ayr" => Some(Lang::Ay),
            _ => None,
        }
    }

    /// The first of our languages in an `Accept-Language` header, by its
    /// weights; Spanish when none is there.
    pub(crate) fn negotiate(accept_language: Option<&str>) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in accept_language.unwrap_or("").split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else { continue };
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
        best.map_or(Lang::Es, |(_, lang)| lang)
    }
}

type Bundle = FluentBundle<FluentResource>;

struct Catalogue {
    es: Bundle,
    qu: Bundle,
    ay: Bundle,
}

const ES: &str = include_str!("../../locales/es/paginas.ftl");
/// The staff console's texts, Spanish only.
const ES_CONSOLE: &str = include_str!("../../locales/es/consola.ftl");
const QU: &str = include_str!("../../locales/qu/paginas.ftl");
const AY: &str = include_str!("../../locales/ay/paginas.ftl");

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue {
    es: bundle("es", &[ES, ES_CONSOLE, &closed_lists()]),
    qu: bundle("qu", &[QU]),
    ay: bundle("ay", &[AY]),
});

fn bundle(tag: &str, sources: &[&str]) -> Bundle {
    let lang: LanguageIdentifier = tag.parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // No Unicode isolation marks around variables: our variables are
    // numbers, dates and file numbers, never right-to-left text.
    bundle.set_use_isolating(false);
    for source in sources {
        let resource = FluentResource::try_new((*source).to_owned())
            .unwrap_or_else(|(_, errors)| panic!("the {tag} catalogue does not parse: {errors:?}"));
        bundle.add_resource(resource).unwrap_or_else(|errors| panic!("the {tag} catalogue repeats {errors:?}"));
    }
    bundle
}

/// The closed lists, as Fluent messages `<list>-<CODE>` with the domain's
/// labels: one place for each label, whichever client shows it.
fn closed_lists() -> String {
    use domain::categories as c;
    use domain::workflow::{CaseStatus, MeasureStatus};
    let mut source = String::new();
    let mut list = |prefix: &str, values: &mut dyn Iterator<Item = (&'static str, &'static str)>| {
        for (code, label) in values {
            assert!(!label.contains(['{', '}', '\n']), "a label Fluent would read as syntax: {label}");
            let _ = writeln!(source, "{prefix}-{code} = {label}");
        }
    };
    list("categoria", &mut c::DefenderCategory::ALL.iter().map(|v| (v.code(), v.label())));
    list("agresion", &mut c::AggressionType::ALL.iter().map(|v| (v.code(), v.label())));
    list("agresor", &mut c::AggressorType::ALL.iter().map(|v| (v.code(), v.label())));
    list("lengua", &mut c::Language::ALL.iter().map(|v| (v.code(), v.label())));
    list("genero", &mut c::Gender::ALL.iter().map(|v| (v.code(), v.label())));
    list("colectivo", &mut c::CollectiveKind::ALL.iter().map(|v| (v.code(), v.label())));
    list("documento", &mut c::IdDocumentKind::ALL.iter().map(|v| (v.code(), v.label())));
    list("relacion", &mut c::Relationship::ALL.iter().map(|v| (v.code(), v.label())));
    list("estado", &mut CaseStatus::ALL.iter().map(|v| (v.code(), v.label())));
    list("canal", &mut c::Channel::ALL.iter().map(|v| (v.code(), v.label())));
    list("via", &mut domain::workflow::Track::ALL.iter().map(|v| (v.code(), v.label())));
    list("riesgo", &mut domain::workflow::RiskLevel::ALL.iter().map(|v| (v.code(), v.label())));
    list("estado-medida", &mut MeasureStatus::ALL.iter().map(|v| (v.code(), v.label())));
    source
}

/// A message as a page shows it: its text and, when it fell back to
/// Spanish on a page in another language, that it is Spanish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    text: String,
    fallback: bool,
}

impl Text {
    /// Text that is no message (a file number, a date the API wrote).
    pub(crate) fn plain(text: impl Into<String>) -> Self {
        Self { text: text.into(), fallback: false }
    }

    /// Spanish text that is no message (a message of the API, a name the
    /// database holds): marked as Spanish on a page in another language.
    pub(crate) fn spanish(text: impl Into<String>, page: Lang) -> Self {
        Self { text: text.into(), fallback: page != Lang::Es }
    }

    /// The text alone, for an attribute (`placeholder`, `aria-label`) or a
    /// title, where no markup can go.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

/// Escaped here, so askama must not escape it again.
impl askama::filters::HtmlSafe for Text {}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.fallback {
            f.write_str("<span lang=\"es\">")?;
        }
        for c in self.text.chars() {
            match c {
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '&' => f.write_str("&amp;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                c => f.write_char(c)?,
            }
        }
        if self.fallback {
            f.write_str("</span>")?;
        }
        Ok(())
    }
}

/// Looks messages up for one page in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tr {
    pub(crate) lang: Lang,
}

impl Tr {
    pub(crate) fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The message `id`.
    pub(crate) fn t(&self, id: &str) -> Text {
        self.format(id, None)
    }

    /// The message `id` with one variable.
    pub(crate) fn t1(&self, id: &str, name: &'static str, value: impl Into<Arg>) -> Text {
        let mut args = FluentArgs::new();
        args.set(name, value.into().0);
        self.format(id, Some(&args))
    }

    /// The message `id` with several variables.
    pub(crate) fn with(&self, id: &str, values: impl IntoIterator<Item = (&'static str, Arg)>) -> Text {
        let mut args = FluentArgs::new();
        for (name, value) in values {
            args.set(name, value.0);
        }
        self.format(id, Some(&args))
    }

    /// Whether the message exists (in Spanish at least).
    pub(crate) fn has(&self, id: &str) -> bool {
        CATALOGUE.es.has_message(id)
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> Text {
        let own = match self.lang {
            Lang::Es => None,
            Lang::Qu => Some(&CATALOGUE.qu),
            Lang::Ay => Some(&CATALOGUE.ay),
        };
        if let Some(text) = own.and_then(|bundle| render(bundle, id, args)) {
            return Text { text, fallback: false };
        }
        match render(&CATALOGUE.es, id, args) {
            Some(text) => Text { text, fallback: self.lang != Lang::Es },
            None => {
                // A missing message is a bug the catalogue test catches; the
                // page still renders, showing the id rather than failing.
                tracing::error!(message = id, "message missing from the Spanish catalogue");
                Text { text: id.to_owned(), fallback: false }
            }
        }
    }
}

/// A variable's value.
pub(crate) struct Arg(FluentValue<'static>);

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg(FluentValue::from(n))
    }
}

impl From<&usize> for Arg {
    fn from(n: &usize) -> Self {
        Arg(FluentValue::from(*n))
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg(FluentValue::from(s))
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg(FluentValue::from(s.to_owned()))
    }
}

fn render(bundle: &Bundle, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text: Cow<'_, str> = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        tracing::error!(message = id, ?errors, "message did not format");
    }
    Some(text.into_owned())
}

/// Every message id of a language's own catalogue file, for the tests:
/// a message starts a line with its id and ` =`.
#[cfg(test)]
fn ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|line| line.split_once(" =").map(|(id, _)| id.trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_parses_and_translations_name_only_spanish_messages() {
        let spanish = ids(ES);
        assert!(spanish.len() > 100, "{}", spanish.len());
        for (lang, source) in [("qu", QU), ("ay", AY)] {
            for id in ids(source) {
                assert!(spanish.contains(&id), "{lang} has {id}, which Spanish lacks");
            }
        }
        let _ = &CATALOGUE.es;
    }

    #[test]
    fn a_missing_translation_falls_back_to_spanish_marked_as_such() {
        let quechua = Tr::new(Lang::Qu);
        let text = quechua.t("inicio-titulo");
        assert!(text.to_string().starts_with("<span lang=\"es\">"), "{text}");
        assert_eq!(Tr::new(Lang::Es).t("inicio-titulo").to_string(), text.as_str());
        // The language's own name is in its catalogue.
        assert_eq!(quechua.t("lengua-propia").to_string(), "Runasimi");
    }

    #[test]
    fn closed_lists_come_from_the_domain() {
        assert_eq!(Tr::new(Lang::Es).t("agresion-THREAT").as_str(), "Amenaza");
        assert_eq!(Tr::new(Lang::Es).t("estado-RECEIVED").as_str(), "Recibida");
    }

    #[test]
    fn accept_language_picks_ours_by_weight() {
        assert_eq!(Lang::negotiate(None), Lang::Es);
        assert_eq!(Lang::negotiate(Some("en-US,en;q=0.9")), Lang::Es);
        assert_eq!(Lang::negotiate(Some("quz-PE,es;q=0.8")), Lang::Qu);
        assert_eq!(Lang::negotiate(Some("es-PE,ay;q=0.5")), Lang::Es);
        assert_eq!(Lang::negotiate(Some("es;q=0.4, ay-BO;q=0.9")), Lang::Ay);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(Text::plain("<b>&\"").to_string(), "&lt;b&gt;&amp;&quot;");
    }
}
