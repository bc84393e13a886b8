//! A posted form as the page received it: name and value pairs, in order,
//! a name repeated for each checked box. The names are the paths of the
//! API's input (`beneficiaries[0].name`), so a problem the API reports
//! for a field lands next to the control that holds it.

/// The pairs of one posted form.
#[derive(Clone, Default)]
pub(crate) struct FormData(Vec<(String, String)>);

// Never printed: it holds what people typed.
impl std::fmt::Debug for FormData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FormData({} fields, <redacted>)", self.0.len())
    }
}

impl FormData {
    pub(crate) fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The value of `name` (the last one, if repeated); `""` when absent.
    pub(crate) fn value(&self, name: &str) -> &str {
        self.0.iter().rev().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }

    /// The value, `None` when absent or blank.
    pub(crate) fn optional(&self, name: &str) -> Option<String> {
        let value = self.value(name);
        (!value.trim().is_empty()).then(|| value.to_owned())
    }

    /// Every value of `name`, in order (checked boxes).
    pub(crate) fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    /// Sets `name` to `value`, replacing what it had.
    pub(crate) fn set(&mut self, name: &str, value: impl Into<String>) {
        self.remove(name);
        self.0.push((name.to_owned(), value.into()));
    }

    pub(crate) fn remove(&mut self, name: &str) {
        self.0.retain(|(n, _)| n != name);
    }

    /// Keeps only the pairs `keep` accepts.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.0.retain(|(n, _)| keep(n));
    }

    pub(crate) fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// The `id` of the control named `name` (`beneficiaries[0].name` →
/// `f-beneficiaries-0-name`): error summaries link to it.
pub(crate) fn control_id(name: &str) -> String {
    let mut id = String::from("f-");
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
            dash = false;
        } else if !dash {
            id.push('-');
            dash = true;
        }
    }
    id.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_and_ids() {
        let mut form = FormData::new(vec![
            ("aggressionTypes".into(), "THREAT".into()),
            ("aggressionTypes".into(), "HARASSMENT".into()),
            ("facts".into(), "  ".into()),
        ]);
        assert_eq!(form.values("aggressionTypes").collect::<Vec<_>>(), ["THREAT", "HARASSMENT"]);
        assert_eq!(form.optional("facts"), None);
        form.set("facts", "algo");
        assert_eq!(form.value("facts"), "algo");
        assert_eq!(control_id("beneficiaries[10].name"), "f-beneficiaries-10-name");
        assert!(!format!("{form:?}").contains("algo"));
    }
}
