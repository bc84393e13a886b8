//! The request form's six short steps, in the order a person tells it
//! (UI.md: one idea per screen): who is at risk, where, what happened,
//! what protection is asked for, how to reach them, and consent (with a
//! review of everything before sending).

/// A step of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    People,
    Place,
    Facts,
    Protection,
    Contact,
    Consent,
}

impl Step {
    pub(crate) const ALL: [Step; 6] =
        [Step::People, Step::Place, Step::Facts, Step::Protection, Step::Contact, Step::Consent];

    /// 1 to 6, as the page says "Paso 2 de 6".
    pub(crate) fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).map_or(1, |i| i + 1)
    }

    pub(crate) fn from_number(text: &str) -> Option<Step> {
        let n: usize = text.trim().parse().ok()?;
        Step::ALL.get(n.checked_sub(1)?).copied()
    }

    pub(crate) fn next(self) -> Option<Step> {
        Step::ALL.get(self.number()).copied()
    }

    pub(crate) fn previous(self) -> Option<Step> {
        Step::ALL.get(self.number().checked_sub(2)?).copied()
    }

    pub(crate) fn is_last(self) -> bool {
        self == Step::Consent
    }

    /// The catalogue id of the step's heading.
    pub(crate) fn title_id(self) -> &'static str {
        match self {
            Step::People => "paso-personas",
            Step::Place => "paso-lugar",
            Step::Facts => "paso-hechos",
            Step::Protection => "paso-proteccion",
            Step::Contact => "paso-contacto",
            Step::Consent => "paso-consentimiento",
        }
    }

    /// The step that asks for `field` (a path of the API's input, or a
    /// name of the form's own). The first segment decides.
    pub(crate) fn of_field(field: &str) -> Step {
        let head = field.split(['.', '[']).next().unwrap_or("");
        match head {
            "filer" | "thirdParty" | "beneficiaries" => Step::People,
            "place" => Step::Place,
            "defenderCategory"
            | "defenderCategoryDetail"
            | "aggressionTypes"
            | "aggressorType"
            | "facts"
            | "evidence" => Step::Facts,
            "requestedMeasures" => Step::Protection,
            "contact" | "language" | "languageDetail" | "interpreterNeeded" => Step::Contact,
            _ => Step::Consent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_each_other_and_own_their_fields() {
        assert_eq!(Step::People.number(), 1);
        assert_eq!(Step::from_number("6"), Some(Step::Consent));
        assert_eq!(Step::from_number("0"), None);
        assert_eq!(Step::from_number("7"), None);
        assert_eq!(Step::Consent.next(), None);
        assert_eq!(Step::Place.previous(), Some(Step::People));
        assert_eq!(Step::People.previous(), None);
        assert_eq!(Step::of_field("beneficiaries[3].name"), Step::People);
        assert_eq!(Step::of_field("requestedMeasures[0].measureType"), Step::Protection);
        assert_eq!(Step::of_field("defenderCategoryDetail"), Step::Facts);
        assert_eq!(Step::of_field("idempotencyKey"), Step::Consent);
    }
}
